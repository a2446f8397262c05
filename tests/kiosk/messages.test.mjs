// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// The kiosk's words (kiosk/js/messages*.js), without a browser: every
// message is in Chinese and in English, with the same parameters; an
// easy-read table words only messages of its language; a key is in one
// file only; and every key the page's code names is there.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { KIOSK_DIR } from './harness.mjs';

const JS = path.join(KIOSK_DIR, 'js');
const FILES = fs.readdirSync(JS).filter((f) => /^messages.*\.js$/.test(f)).sort();

async function load() {
	const out = {};
	// as the browser reads them: modules, whatever package.json says
	for (const f of FILES) {
		const src = fs.readFileSync(path.join(JS, f));
		out[f] = (await import('data:text/javascript;base64,' + src.toString('base64'))).MESSAGES;
	}
	return out;
}

function params(text) {
	return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

describe('the messages', () => {
	it('are in both languages, with the same parameters, each key in one file', async () => {
		const files = await load();
		assert.ok(FILES.includes('messages.js') && FILES.length > 1);
		const where = {};
		for (const [f, tables] of Object.entries(files)) {
			const zh = tables.zh || {};
			const en = tables.en || {};
			for (const table of Object.keys(tables))
				assert.ok(['zh', 'en', 'zh-easy', 'en-easy', 'en-vocab'].includes(table), `${f}: table ${table}`);
			// English may name the months, which Chinese writes as numbers
			const enOnly = Object.keys(en).filter((k) => !(k in zh) && !/^month\d+$/.test(k));
			assert.deepEqual(Object.keys(zh).filter((k) => !(k in en)), [], `${f}: Chinese without English`);
			assert.deepEqual(enOnly, [], `${f}: English without Chinese`);
			for (const k of Object.keys(zh))
				assert.deepEqual(params(en[k]), params(zh[k]), `${f}: ${k}'s parameters`);
			for (const [easy, plain] of [['zh-easy', zh], ['en-easy', en]])
				for (const [k, text] of Object.entries(tables[easy] || {})) {
					assert.ok(k in plain, `${f}: ${easy}.${k} words no ${easy.slice(0, 2)} message`);
					for (const p of params(text))
						assert.ok(params(plain[k]).includes(p), `${f}: ${easy}.${k}: {${p}}`);
				}
			for (const table of Object.keys(tables))
				for (const k of Object.keys(tables[table])) {
					const id = table + '.' + k;
					assert.ok(!(id in where), `${id} is in ${where[id]} and ${f}`);
					where[id] = f;
				}
		}
	});

	it('hold every key the page names', async () => {
		const files = await load();
		const zh = Object.assign({}, ...Object.values(files).map((t) => t.zh));
		const en = Object.assign({}, ...Object.values(files).map((t) => t.en));
		const missing = [];
		for (const f of fs.readdirSync(JS).filter((n) => n.endsWith('.js') && !n.startsWith('messages'))) {
			const src = fs.readFileSync(path.join(JS, f), 'utf8');
			const keys = [...src.matchAll(/\bt\('([\w.]+)'\s*[,)]/g), ...src.matchAll(/\b(?:title|nav): '([\w.]+)'/g)]
			    .map((m) => m[1]);
			for (const k of keys)
				if (!(k in zh) || !(k in en))
					missing.push(`${f}: ${k}`);
		}
		assert.deepEqual(missing, []);
	});
});
