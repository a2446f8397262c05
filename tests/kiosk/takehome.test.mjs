// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// Take it home: the QR code on the screen, photographed and decoded by
// zbarimg (Debian's zbar-tools), holds the chosen postings' text and
// nothing else, in the language of the page; at most five postings; the
// print view is the take-home screen alone, in large type.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, TOKENS, httpRequest, openKiosk, shot, useKiosk } from './harness.mjs';
import { searchByPointer } from './flow.mjs';

const kiosk = useKiosk();

// The QR code as the screen shows it, decoded.
async function decode(page, name) {
	const png = path.join(ROOT, name + '.png');
	await page.locator('#qr').screenshot({ path: png });
	const r = spawnSync('zbarimg', ['--raw', '-q', '-Sqrcode.enable', png], { encoding: 'utf8', timeout: 60000 });
	assert.equal(r.status, 0, `zbarimg found no QR code: ${r.stderr}`);
	return r.stdout.replace(/\n$/, '');
}

// What the page shows of each result: [{key, title}].
function shown(page) {
	return page.$$eval('#results-list article', (arts) => arts.map((a) => ({
		title: a.querySelector('.job-title').textContent,
	})));
}

describe('the QR code', { timeout: 120000 }, () => {
	it('decodes to the chosen postings\' text and nothing else', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		let asked = null;
		page.on('request', (r) => {
			if (/\/qr\.svg/.test(r.url()))
				asked = new URL(r.url());
		});
		await searchByPointer(page);
		const list = await shown(page);
		assert.ok(list.length >= 4);
		await page.click('label[for="take-0"]');
		await page.click('label[for="take-2"]');
		await page.click('#take-go-bottom');
		await page.waitForSelector('#qr svg');
		const text = await decode(page, 'qr-zh');
		// the same text the daemon says it encoded, and the page shows
		const jobs = asked.searchParams.get('jobs');
		assert.equal(jobs.split(',').length, 2);
		const txt = await httpRequest(kiosk.env.httpPort, 'GET', `/qr.txt?jobs=${jobs}&lang=zh`,
			{ headers: { Authorization: 'Bearer ' + TOKENS.kiosk } });
		assert.equal(txt.status, 200);
		assert.equal(text, txt.body.replace(/\n$/, ''));
		assert.equal((await page.textContent('#qr-text')).replace(/\n$/, ''), text);
		// the chosen postings, and no other
		for (const i of [0, 2])
			assert.ok(text.includes(list[i].title), `the chosen posting ${list[i].title}`);
		for (const [i, r] of list.entries())
			if (i !== 0 && i !== 2 && r.title !== list[0].title && r.title !== list[2].title)
				assert.ok(!text.includes(r.title), `not the posting ${r.title}`);
		// nothing of the person
		for (const bit of ['视力残疾', '二级', '重度'])
			assert.ok(!text.includes(bit), `nothing of the profile: ${bit}`);
		await shot(page, 'home-qr');

		// in English when the page is
		await page.click('#btn-lang');
		await page.waitForFunction(() => document.querySelector('#qr svg') && /QR code/.test(
			document.querySelector('#qr svg').getAttribute('aria-label')));
		assert.notEqual(await page.textContent('#qr-text'), text);
		const en = await decode(page, 'qr-en');
		const txtEn = await httpRequest(kiosk.env.httpPort, 'GET', `/qr.txt?jobs=${jobs}&lang=en`,
			{ headers: { Authorization: 'Bearer ' + TOKENS.kiosk } });
		assert.equal(en, txtEn.body.replace(/\n$/, ''));
		assert.notEqual(en, text);
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	it('holds at most five postings, and one can be taken off', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		await searchByPointer(page);
		for (let i = 0; i < 5; i++)
			await page.click(`label[for="take-${i}"]`);
		assert.match(await page.textContent('#take-count-top'), /已选5个/);
		await page.click('label[for="take-5"]');
		assert.ok(!(await page.isChecked('#take-5')), 'a sixth is refused');
		assert.match(await page.textContent('#take-count-top'), /最多只能选5个/);
		await page.click('#take-go-top');
		await page.waitForSelector('#qr svg');
		assert.equal(await page.locator('.chosen li').count(), 5);
		const first = await page.textContent('.chosen li:first-child .chosen-text');
		await page.click('#home-remove-0');
		await page.waitForSelector('#qr svg');
		assert.equal(await page.locator('.chosen li').count(), 4);
		await page.waitForFunction((t) => !document.getElementById('qr-text').textContent.includes(t.split(' · ')[0]),
			first);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'home-remove-0', 'focus stays in the list');
		await page.context().close();
	});
});

describe('the print view', { timeout: 120000 }, () => {
	it('is the take-home screen alone, in large type', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		await searchByPointer(page);
		await page.click('label[for="take-0"]');
		await page.click('#take-go-top');
		await page.waitForSelector('#qr-text-group:not([hidden])');
		await page.emulateMedia({ media: 'print' });
		const view = await page.evaluate(() => {
			const shownEl = (sel) => {
				const el = document.querySelector(sel);
				return !!el && getComputedStyle(el).display !== 'none';
			};
			return {
				header: shownEl('header.top'),
				steps: shownEl('nav.steps'),
				footer: shownEl('footer.bottom'),
				buttons: [...document.querySelectorAll('button')].some((b) => getComputedStyle(b).display !== 'none'),
				qr: shownEl('#qr svg'),
				text: parseFloat(getComputedStyle(document.getElementById('qr-text')).fontSize),
				body: parseFloat(getComputedStyle(document.documentElement).fontSize),
			};
		});
		assert.deepEqual({ header: view.header, steps: view.steps, footer: view.footer, buttons: view.buttons, qr: view.qr },
			{ header: false, steps: false, footer: false, buttons: false, qr: true });
		assert.ok(view.text >= 24 && view.body >= 24, `large type: ${view.text} px`);
		await shot(page, 'home-print', { fullPage: true });
		await page.context().close();
	});
});
