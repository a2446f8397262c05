// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// A whole search, by keyboard alone and by pointer, against the real
// daemon and the sample data: every step reached, results with their
// reasons and the plan's priorities in words, one taken home as a QR code;
// going back loses nothing; the language and easy-read switches; every
// target at least 44 x 44 CSS px.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openKiosk, useKiosk } from './harness.mjs';
import { PERSON, searchByKeyboard, searchByPointer, tabTo, liveText, screenIs } from './flow.mjs';

const kiosk = useKiosk();

// Each result as the page shows it.
function results(page) {
	return page.$$eval('#results-list article', (arts) => arts.map((a) => ({
		title: a.querySelector('.job-title, h3').textContent,
		text: a.textContent,
		why: (a.querySelector('.why') || {}).textContent || '',
		prio: (a.querySelector('.prio') || {}).textContent || '',
	})));
}

describe('a whole search', { timeout: 180000 }, () => {
	it('by keyboard alone ends with results, and one of them as a QR code', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		await searchByKeyboard(page);
		const list = await results(page);
		assert.ok(list.length > 0, 'results');
		// the count is announced through the live region
		assert.match(await liveText(page), /找到\d+个工作/);
		// the first is the massage posting for blind people, with the
		// reasons in words and the plan's priority named
		assert.match(list[0].text, /按摩|推拿/);
		assert.match(list[0].why, /符合您\d+项技能中的\d+项/);
		assert.match(list[0].why, /距离/);
		assert.match(list[0].why, /有无障碍通道/);
		assert.ok(list.some((r) => r.prio !== ''), 'some result names a priority of the plan');
		assert.ok(list.every((r) => !/massage_for_visual|public_welfare_first/.test(r.text)),
			'no rule ids shown');
		// take the first home, by keyboard
		await tabTo(page, '#take-0');
		await page.keyboard.press('Space');
		assert.ok(await page.isChecked('#take-0'));
		await tabTo(page, '#take-go-bottom');
		await page.keyboard.press('Enter');
		await page.waitForSelector('#qr svg');
		assert.equal(await page.getAttribute('#qr svg', 'role'), 'img');
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	it('by pointer ends with results, and one of them as a QR code', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		await searchByPointer(page);
		assert.ok((await results(page)).length > 0);
		await page.click('label[for="take-1"]');
		await page.click('#take-go-top');
		await page.waitForSelector('#qr svg');
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});
});

describe('going back', { timeout: 120000 }, () => {
	it('keeps every answer, and the results are not asked for again', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		let matches = 0;
		page.on('request', (r) => {
			if (r.method() === 'POST' && /"method":"match"/.test(r.postData() || ''))
				matches++;
		});
		await searchByPointer(page);
		await page.click('label[for="take-0"]');
		assert.equal(matches, 1);
		for (const step of ['1', '2', '3', '4']) {
			await page.click(`#steps-list li:nth-child(${step}) button`);
			await page.waitForSelector('#screen-title');
		}
		await page.click('#steps-list li:nth-child(1) button');
		assert.ok(await page.isChecked(`#type-${PERSON.type}`));
		assert.ok(await page.isChecked(`#grade-${PERSON.grade}`));
		await page.click('#back');		// to the welcome screen and on again
		await page.click('#start');
		assert.ok(await page.isChecked(`#type-${PERSON.type}`));
		await page.click('#next');
		assert.ok(await page.isChecked(`#town-${PERSON.townKind}-${PERSON.town}`));
		await page.click('#next');
		assert.equal(await page.locator('#skills-chosen li').count(), 1);
		await page.click('#next');
		assert.ok(await page.isChecked(`#needs-${PERSON.needGroup}-${PERSON.need}`));
		await page.click('#next');
		await page.waitForSelector('#results-list li');
		assert.ok(await page.isChecked('#take-0'), 'the chosen posting stays chosen');
		assert.equal(matches, 1, 'the same profile is not searched again');
		// a changed answer searches again
		await page.click('#steps-list li:nth-child(4) button');
		await page.click(`label[for="needs-${PERSON.needGroup}-${PERSON.need}"]`);
		await page.click('#next');
		await page.waitForSelector('#results-list li');
		assert.equal(matches, 2);
		await page.context().close();
	});
});

describe('languages and wording', { timeout: 120000 }, () => {
	it('English by the switch, with lang set; the easy-read wording', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		await searchByPointer(page);
		const zh = await page.textContent('#screen-title');
		await page.click('#btn-lang');
		assert.equal(await page.getAttribute('html', 'lang'), 'en');
		await screenIs(page, 'Jobs for you');
		assert.notEqual(await page.textContent('#screen-title'), zh);
		// the postings' own words are Chinese, and marked so
		assert.equal(await page.getAttribute('#job-0-title .job-title', 'lang'), 'zh-CN');
		const why = await page.textContent('#results-list article .why');
		assert.match(why, /Matches \d+ of your \d+ skills/);
		assert.match(why, /km away|Less than 1 km away/);
		// the switch back names its language in that language
		assert.equal(await page.getAttribute('#btn-lang', 'lang'), 'zh-CN');
		await page.click('#btn-easy');
		assert.equal(await page.getAttribute('#btn-easy', 'aria-pressed'), 'true');
		await page.click('#steps-list li:nth-child(1) button');
		const easy = await page.textContent('#screen .lead');
		await page.click('#btn-easy');
		const plain = await page.textContent('#screen .lead');
		assert.notEqual(easy, plain, 'the easy-read wording is another');
		await page.click('#btn-lang');
		assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
		assert.ok(await page.isChecked(`#type-${PERSON.type}`), 'a switch loses no answer');
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});
});

describe('targets', { timeout: 120000 }, () => {
	it('every control on every step is at least 44 x 44 CSS px', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		const small = [];
		const measure = async (where) => {
			const found = await page.evaluate(() => {
				const out = [];
				for (const el of document.querySelectorAll('button, input, [role="option"], a[href]')) {
					const target = el.closest('.tile, .take') || el;
					const r = target.getBoundingClientRect();
					if (r.width === 0 && r.height === 0)
						continue;	// not shown
					if (r.width < 44 || r.height < 44)
						out.push(`${el.id || el.textContent.trim()}: ${r.width}x${r.height}`);
				}
				return out;
			});
			small.push(...found.map((f) => where + ': ' + f));
		};
		await measure('welcome');
		await page.click('#start');
		await measure('disability');
		await page.click(`label[for="type-${PERSON.type}"]`);
		await page.click(`label[for="grade-${PERSON.grade}"]`);
		await page.click('#next');
		await measure('town');
		await page.click(`label[for="town-${PERSON.townKind}-${PERSON.town}"]`);
		await page.click('#next');
		await page.fill('#skill-input', PERSON.typed);
		await page.waitForSelector('#skill-list:not([hidden]) [role="option"]');
		await measure('skills');
		await page.click('#skill-list [role="option"] >> nth=0');
		await page.click('#next');
		await measure('needs');
		await page.click('#next');
		await page.waitForSelector('#results-list li');
		await measure('results');
		await page.click('label[for="take-0"]');
		await page.click('#take-go-top');
		await page.waitForSelector('#qr svg');
		await measure('home');
		await page.click('#home-ask-0');
		await page.waitForSelector('#contact-form');
		await measure('contact');
		await page.click('#contact-send');
		await measure('contact with its errors');
		assert.deepEqual(small, []);
		await page.context().close();
	});
});
