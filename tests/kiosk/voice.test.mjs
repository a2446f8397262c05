// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// Self-voicing, for a blind person at a kiosk with no screen reader: F2 or
// the on-screen button turns it on; each screen is read when it appears,
// each control with its state and each result as focus reaches it, in the
// language each text is written in. The page's calls of
// speechSynthesis.speak are recorded as they are made (window.__spoken,
// see harness.mjs) and the browser still speaks them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openKiosk, useKiosk } from './harness.mjs';
import { searchByKeyboard, tabTo } from './flow.mjs';

const kiosk = useKiosk();

function spoken(page) {
	return page.evaluate(() => window.__spoken.slice());
}

async function saidSince(page, n) {
	return (await spoken(page)).slice(n).map((u) => u.text).join(' ');
}

describe('reading aloud', { timeout: 180000 }, () => {
	it('F2 turns it on; every screen, control and result is read', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env, { speech: true });
		// off: the first key only says how to turn it on
		await page.keyboard.press('Shift');
		assert.match(await saidSince(page, 0), /按F2键/);
		const n0 = (await spoken(page)).length;
		await page.keyboard.press('F2');
		assert.equal(await page.getAttribute('#btn-voice', 'aria-pressed'), 'true');
		let said = await saidSince(page, n0);
		assert.match(said, /朗读已打开/);
		assert.match(said, /欢迎来找工作/, 'the screen is read');
		assert.match(said, /回答几个问题/);

		// each step's screen when it appears, with its choices
		let n = (await spoken(page)).length;
		const heard = async () => {
			const s = await saidSince(page, n);
			n = (await spoken(page)).length;
			return s;
		};
		await tabTo(page, '#start');
		assert.match(await heard(), /开始/, 'a focused button is read');
		await page.keyboard.press('Enter');
		await page.waitForSelector('#type');
		said = await heard();
		assert.match(said, /您的残疾情况/);
		assert.match(said, /视力残疾/);
		assert.match(said, /没选/, 'each choice with its state');
		await tabTo(page, 'input[name="type"]');
		await page.keyboard.press('Space');
		said = await heard();
		assert.match(said, /视力残疾.*已选/, 'the choice just made');

		// the rest of the search by keyboard
		await page.goto(kiosk.env.url);
		await page.waitForSelector('#start');
		await page.keyboard.press('F2');
		n = (await spoken(page)).length;
		await searchByKeyboard(page);
		await page.waitForFunction(() => window.__spoken.some((u) => /^找到\d+个工作/.test(u.text)));
		said = await saidSince(page, n);
		for (const heading of ['您的残疾情况', '您住在哪里？', '您会做什么？', '工作时您需要什么帮助？', '为您找到的工作'])
			assert.ok(said.includes(heading), `the screen "${heading}" is read`);
		const titles = await page.$$eval('#results-list .job-title', (els) => els.map((e) => e.textContent));
		for (const title of titles)
			assert.ok(said.includes(title), `the result "${title}" is read`);
		// a result is read whole when focus reaches its choice
		n = (await spoken(page)).length;
		await tabTo(page, '#take-1');
		said = await saidSince(page, n);
		assert.ok(said.includes(titles[1]) && /为什么推荐/.test(said) && /带走这个工作/.test(said),
			'the result at focus is read: ' + said);
		// Chinese is read in Chinese
		const langs = new Set((await spoken(page)).map((u) => u.lang));
		assert.deepEqual([...langs], ['zh-CN']);

		// in English, the postings' Chinese words keep a Chinese voice
		n = (await spoken(page)).length;
		await page.click('#btn-lang');
		await page.waitForFunction((k) => window.__spoken.length > k, n);
		const en = (await spoken(page)).slice(n);
		assert.ok(en.some((u) => u.lang === 'en' && /Jobs for you/.test(u.text)));
		assert.ok(en.some((u) => u.lang === 'zh-CN' && titles.some((t) => u.text.includes(t))));

		// F2 again: off, and quiet
		await page.keyboard.press('F2');
		assert.equal(await page.getAttribute('#btn-voice', 'aria-pressed'), 'false');
		n = (await spoken(page)).length;
		await page.click('#steps-list li:nth-child(1) button');
		await page.keyboard.press('Tab');
		assert.equal((await spoken(page)).length, n, 'nothing is read when it is off');
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	it('the on-screen button does the same, and the take-home screen is read', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env, { speech: true });
		await page.click('#btn-voice');
		assert.equal(await page.getAttribute('#btn-voice', 'aria-pressed'), 'true');
		assert.match(await saidSince(page, 0), /朗读已打开.*欢迎来找工作/);
		await searchByKeyboard(page);
		await page.click('label[for="take-0"]');
		const n = (await spoken(page)).length;
		await page.click('#take-go-top');
		await page.waitForSelector('#qr svg');
		await page.waitForFunction((k) => window.__spoken.slice(k).some((u) => /二维码里的内容/.test(u.text)), n);
		const said = await saidSince(page, n);
		assert.match(said, /把工作信息带回家/);
		assert.match(said, /二维码：1个工作的信息/);
		assert.ok(said.includes(await page.textContent('#qr-text')) ||
		    said.includes((await page.textContent('#qr-text')).split('\n')[0]), 'the QR code\'s text is read');
		await page.click('#btn-voice');
		assert.equal(await page.getAttribute('#btn-voice', 'aria-pressed'), 'false');
		await page.context().close();
	});
});
