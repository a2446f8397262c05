// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// How to apply, against the real daemon and the sample data (whose
// employers and most postings say how): each result shows what the
// daemon's match gave of it (the effective contact's phone in large type,
// never a tel: link, its address, hours and name, the last day to apply
// in words, the posting's own instructions), in Chinese and English, and
// reads the phone aloud digit by digit; the take-home screen, its print
// view and the QR code's text hold it too.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openKiosk, shot, useKiosk, waitFor } from './harness.mjs';
import { matchAnswers, searchByPointer, tabTo } from './flow.mjs';

const kiosk = useKiosk();

// Each result's "how to apply" block as shown: {text, phone, tel}.
function applyShown(page) {
	return page.$$eval('#results-list article', (arts) => arts.map((a) => {
		const block = a.querySelector('.apply');
		const phone = block && block.querySelector('.phone');
		return {
			text: block ? block.textContent : '',
			phone: phone ? phone.querySelector('[aria-hidden="true"]').textContent : null,
			phoneSize: phone ? parseFloat(getComputedStyle(phone).fontSize) : 0,
			bodySize: parseFloat(getComputedStyle(a.querySelector('.facts dd')).fontSize),
			tel: !!a.querySelector('a[href^="tel:"]'),
		};
	}));
}

function zhDate(iso) {
	const [y, m, d] = iso.split('-').map(Number);
	return `${y}年${m}月${d}日`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
	'August', 'September', 'October', 'November', 'December'];

function enDate(iso) {
	const [y, m, d] = iso.split('-').map(Number);
	return `${d} ${MONTHS[m - 1]} ${y}`;
}

describe('how to apply on the results', { timeout: 180000 }, () => {
	it('shows each posting\'s contact, last day and instructions as the daemon gave them', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		const answers = matchAnswers(page);
		await searchByPointer(page);
		await waitFor(() => answers.length === 1, 'the match\'s answer');
		const results = answers[0].results;
		const shown = await applyShown(page);
		assert.equal(shown.length, results.length);
		let phones = 0;
		let dates = 0;
		let texts = 0;
		for (const [i, r] of results.entries()) {
			const job = r.job;
			const c = job.contact || {};
			const s = shown[i];
			assert.match(s.text, /^怎样报名/, `result ${i} has the block`);
			assert.ok(!s.tel, 'no tel: link on a kiosk');
			if (c.phone) {
				phones++;
				assert.equal(s.phone, c.phone);
				assert.ok(s.phoneSize >= 1.4 * s.bodySize, `the phone in large type: ${s.phoneSize} px`);
			} else {
				assert.equal(s.phone, null);
			}
			for (const k of ['name', 'address', 'hours', 'email', 'url'])
				if (c[k])
					assert.ok(s.text.includes(c[k]), `result ${i}: ${k} ${c[k]}`);
			if (job.apply_by) {
				dates++;
				assert.ok(s.text.includes('报名截止' + zhDate(job.apply_by)), `result ${i}: 报名截止 ${zhDate(job.apply_by)}`);
			} else {
				assert.ok(!s.text.includes('报名截止'));
			}
			if (job.how_to_apply) {
				texts++;
				assert.ok(s.text.includes(job.how_to_apply));
			}
			if (!c.phone && !c.address && !c.name && !job.apply_by && !job.how_to_apply)
				assert.match(s.text, /没有写怎样报名/);
		}
		assert.ok(phones > 0 && dates > 0 && texts > 0, 'the sample results say how to apply');
		await shot(page.locator('#results-list > li:first-child'), 'results-apply');

		// in English: the labels and the date in English, the employers'
		// words in Chinese, marked so
		await page.click('#btn-lang');
		await page.waitForSelector('#results-list article .apply-title:text("How to apply")');
		const withDate = results.findIndex((r) => r.job.apply_by);
		const en = await page.textContent(`#job-${withDate}-apply + dl`);
		assert.ok(en.includes('Apply by' + enDate(results[withDate].job.apply_by)), en);
		const withHow = results.findIndex((r) => r.job.how_to_apply);
		assert.equal(await page.$eval(`#job-${withHow}-apply + dl`,
			(dl, text) => [...dl.querySelectorAll('[lang="zh-CN"]')].some((e) => e.textContent === text),
			results[withHow].job.how_to_apply), true);
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	it('reads the phone aloud digit by digit, with the result', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env, { speech: true });
		const answers = matchAnswers(page);
		await page.keyboard.press('F2');
		await searchByPointer(page);
		await waitFor(() => answers.length === 1, 'the match\'s answer');
		const i = answers[0].results.findIndex((r) => r.job.contact && r.job.contact.phone);
		const phone = answers[0].results[i].job.contact.phone;
		const n = await page.evaluate(() => window.__spoken.length);
		await tabTo(page, `#take-${i}`);
		const said = await page.evaluate((k) => window.__spoken.slice(k).map((u) => u.text).join(' '), n);
		const digits = phone.replace(/\D/g, '').split('').join(' ');
		assert.ok(said.replace(/ ,/g, '').includes(digits), `the digits one by one (${digits}): ${said}`);
		assert.ok(!said.includes(phone), 'not the number as a whole');
		assert.match(said, /怎样报名/);
		await page.context().close();
	});
});

describe('how to apply, taken home', { timeout: 180000 }, () => {
	it('is on the take-home screen, in its print view and in the QR code\'s text', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		const answers = matchAnswers(page);
		await searchByPointer(page);
		await waitFor(() => answers.length === 1, 'the match\'s answer');
		const results = answers[0].results;
		// two postings that say how to apply: a phone, and a last day
		const a = results.findIndex((r) => r.job.contact && r.job.contact.phone && r.job.how_to_apply);
		const b = results.findIndex((r, i) => i !== a && r.job.apply_by);
		assert.ok(a >= 0 && b >= 0);
		await page.click(`label[for="take-${a}"]`);
		await page.click(`label[for="take-${b}"]`);
		await page.click('#take-go-top');
		await page.waitForSelector('#qr-text-group:not([hidden])');
		// in the order they were chosen
		const first = results[a].job;
		const second = results[b].job;
		const chosen = await page.$$eval('.chosen > li', (lis) => lis.map((li) => li.textContent));
		assert.equal(chosen.length, 2);
		for (const [k, job] of [first, second].entries()) {
			const c = job.contact || {};
			for (const v of [c.phone, c.address, c.hours, job.how_to_apply])
				if (v)
					assert.ok(chosen[k].includes(v), `the take-home screen has ${v}`);
			if (job.apply_by)
				assert.ok(chosen[k].includes('报名截止' + zhDate(job.apply_by)));
		}
		// the QR code's text: a line of what to do next after the posting's
		const text = await page.textContent('#qr-text');
		const ja = results[a].job;
		assert.ok(text.includes('电话 ' + ja.contact.phone), text);
		assert.ok(text.includes('截止 ' + results[b].job.apply_by), text);
		// on paper too
		await page.emulateMedia({ media: 'print' });
		const printed = await page.evaluate(() => [...document.querySelectorAll('.chosen .apply')]
			.filter((el) => getComputedStyle(el).display !== 'none' && el.offsetHeight > 0).map((el) => el.innerText));
		assert.equal(printed.length, 2);
		assert.ok(printed.join('\n').includes(ja.contact.phone));
		assert.ok(printed.join('\n').includes(ja.how_to_apply));
		await shot(page, 'home-print-apply', { fullPage: true });
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});
});
