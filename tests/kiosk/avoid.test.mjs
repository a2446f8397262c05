// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// Work a person does not want, against the real daemon and the shipped
// rules: the needs screen asks it apart from the help at work (a group
// of its own after the accommodations, its words saying it is a choice,
// never ticked for the person), in Chinese, English and the easy-read
// wording of each. A person with mild hearing loss (grade 4) who does not
// choose it sees a telephone post, ranked lower, with the reason in
// words apart from the county's priorities; choosing it leaves the
// telephone post out, and the match request carries it; a start over
// forgets it. axe-core finds no violation on the needs screen with the
// choice made, nor on the results with the reason, in the default,
// large-text and high-contrast modes.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TOKENS, axe, openKiosk, shot, useKiosk } from './harness.mjs';
import { MODES } from './screens.mjs';

const TOWN = { code: '500231001000', kind: 'subdistrict' };	// 桂溪街道
const EMPLOYER = 'dj-hrss';		// a sample employer
// A telephone post with no skills (fully covered for a person who gives
// none) at the person's town: 0.5 + 0.3 - 0.3 = 0.5, and a text post.
const PHONE = { id: 'avoid-test-phone', employer_id: EMPLOYER, title: '电话客服专员（测试）',
	accessible_for: ['hearing'], employment_type: 'full_time', town: TOWN.code };
const TEXT = { id: 'avoid-test-text', employer_id: EMPLOYER, title: '在线文字客服（测试）',
	accessible_for: ['hearing'], employment_type: 'full_time', town: TOWN.code };

// The sample, and the two postings of the test.
const kiosk = useKiosk(async (env) => {
	for (const job of [PHONE, TEXT]) {
		const r = await env.rpc('job.post', { job }, TOKENS.staff);
		assert.ok(r.result, JSON.stringify(r.error));
	}
});

// The matches the page asks for: their params.
function recordMatches(page) {
	const seen = [];
	page.on('request', (r) => {
		const body = r.postData() || '';
		if (/"method":"match"/.test(body))
			seen.push(JSON.parse(body).params);
	});
	return seen;
}

// From the welcome screen to the needs screen: hearing, grade 4, the
// town, no skill.
async function toNeeds(page) {
	await page.click('#start');
	await page.waitForSelector('#type');
	await page.click('label[for="type-hearing"]');
	await page.click('label[for="grade-4"]');
	await page.click('#next');
	await page.waitForSelector('#town');
	await page.click(`label[for="town-${TOWN.kind}-${TOWN.code}"]`);
	await page.click('#next');
	await page.waitForSelector('#skills-common li');
	await page.click('#next');
	await page.waitForSelector('#avoid');
}

// The titles of the results shown, and the lines under the one titled
// title: {why, prio, lower} (null when absent).
async function results(page, title) {
	await page.waitForSelector('#results-list li');
	return page.evaluate((want) => {
		const titles = [...document.querySelectorAll('#results-list .job-title')].map((e) => e.textContent);
		const art = [...document.querySelectorAll('#results-list article')]
			.find((a) => a.querySelector('.job-title').textContent === want);
		const text = (sel) => (art && art.querySelector(sel) ? art.querySelector(sel).textContent : null);
		return { titles, prio: text('.prio'), lower: text('.lower') };
	}, title);
}

describe('the choice of work not wanted', { timeout: 120000 }, () => {
	it('is a group of its own, never ticked, in both languages and the easy-read words', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		await toNeeds(page);
		const g = await page.evaluate(() => {
			const f = document.getElementById('avoid');
			const input = document.getElementById('avoid-voice_phone');
			return {
				legend: f.querySelector('legend').textContent,
				hint: document.getElementById(f.getAttribute('aria-describedby')).textContent,
				inNeeds: !!f.closest('[id^="needs-"]'),
				afterNeeds: !!document.querySelector('[id^="needs-"]') &&
				    !!(document.querySelector('[id^="needs-"]:last-of-type')
					.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING),
				name: input.name, type: input.type, checked: input.checked,
				label: document.querySelector('label[for="avoid-voice_phone"]').textContent,
				needsNames: [...document.querySelectorAll('[id^="needs-"] input')].map((i) => i.name),
			};
		});
		assert.equal(g.legend, '不想做的工作');
		assert.match(g.hint, /不是帮助，是您自己的选择/);
		assert.equal(g.inNeeds, false, 'not among the accommodations');
		assert.equal(g.afterNeeds, true, 'after them');
		assert.deepEqual([g.name, g.type, g.checked], ['avoid', 'checkbox', false], 'never ticked for the person');
		assert.match(g.label, /不要需要打电话的工作/);
		assert.ok(g.needsNames.every((n) => n === 'needs'));
		// the easy-read words, then English and its easy-read words
		await page.click('#btn-easy');
		assert.match(await page.textContent('#avoid .hint'), /^不想打电话？点一下。/);
		await page.click('#btn-lang');
		await page.waitForFunction(() => document.documentElement.lang === 'en');
		assert.match(await page.textContent('#avoid .hint'), /^Do not want to use the phone\?/);
		await page.click('#btn-easy');
		assert.equal(await page.textContent('#avoid legend'), 'Work you do not want');
		assert.match(await page.textContent('#avoid .hint'), /not help at work but your own choice/);
		assert.match(await page.textContent('label[for="avoid-voice_phone"]'), /No jobs that need phone calls/);
		assert.equal(await page.isChecked('#avoid-voice_phone'), false);
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	it('ranks a telephone post lower without it, and leaves it out with it', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		const asked = recordMatches(page);
		await toNeeds(page);
		await page.click('#next');
		let r = await results(page, PHONE.title);
		assert.ok(r.titles.includes(PHONE.title), 'the telephone post is shown');
		assert.ok(r.titles.indexOf(TEXT.title) < r.titles.indexOf(PHONE.title), 'below the text post');
		assert.match(r.lower, /^排在后面的原因：需要打电话的岗位排在后面$/);
		assert.ok(!r.prio || !/打电话/.test(r.prio), 'not a county priority');
		assert.equal(asked.at(-1).profile.avoid, undefined);
		// back to the needs screen: the choice made
		await page.click('#steps-list li:nth-child(4) button');
		await page.waitForSelector('#avoid');
		await page.click('label[for="avoid-voice_phone"]');
		assert.equal(await page.isChecked('#avoid-voice_phone'), true);
		await page.click('#next');
		await page.waitForFunction(() => !document.getElementById('results-list') ||
		    document.querySelector('#results-list') !== null);
		r = await results(page, PHONE.title);
		assert.ok(!r.titles.includes(PHONE.title), 'the telephone post is left out');
		assert.ok(r.titles.includes(TEXT.title));
		assert.deepEqual(asked.at(-1).profile.avoid, ['voice_phone']);
		// the choice is shown again as made, and a start over forgets it
		await page.click('#steps-list li:nth-child(4) button');
		assert.equal(await page.isChecked('#avoid-voice_phone'), true);
		await page.click('#btn-reset');
		await page.waitForSelector('#reset-dialog[open]');
		await page.click('#reset-yes');
		await page.waitForSelector('#start');
		const st = await page.evaluate(async () =>
			(await import(new URL('js/state.js', location.href).href)).state.avoid);
		assert.deepEqual(st, []);
		await toNeeds(page);
		assert.equal(await page.isChecked('#avoid-voice_phone'), false);
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	for (const mode of Object.keys(MODES)) {
		it(`has no axe-core violation in the ${mode} mode`, async () => {
			const page = await openKiosk(kiosk.browser, kiosk.env);
			for (const b of MODES[mode])
				await page.click(b);
			const found = [];
			const check = async (name) => {
				for (const v of await axe(page))
					found.push(`${name}: ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`);
				if (mode === 'contrast')
					for (const v of await axe(page, { rules: ['color-contrast-enhanced'] }))
						found.push(`${name} (7:1): ${v.id}: ${v.help}\n    ${v.nodes.join('\n    ')}`);
				await shot(page, `${name}-${mode}`);
			};
			await toNeeds(page);
			await check('needs-avoid');
			await page.click('#next');
			await results(page, PHONE.title);
			await check('results-lower');
			await page.click('#steps-list li:nth-child(4) button');
			await page.click('label[for="avoid-voice_phone"]');
			await check('needs-avoid-chosen');
			assert.deepEqual(page.errors, []);
			assert.equal(found.length, 0, '\n' + found.join('\n'));
			await page.context().close();
		});
	}
});
