// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// A kiosk at a job fair, with a token bound to the sample fair
// (data/fairs.jsonl, loaded as run.sh loads it) against the real daemon:
// the fair's name in the header of every screen and its date and venue
// on the first; each result's booth as the match gave it, read aloud; the
// floor list (展位列表) complete, in booth order, with the open jobs
// fair.get counts, by keyboard, and the person's results at each booth
// leading to them; what is left at the fair counted in fair.stats (the
// organiser's report); the operator's setup names the fair; a kiosk with
// a plain token shows none of it; one bound to a fair nobody registered
// says so to the staff.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAIR, MISSING_FAIR, TOKENS, openKiosk, shot, useKiosk, waitFor } from './harness.mjs';
import { matchAnswers, searchByPointer, tabTo, focused } from './flow.mjs';
import { walkSearch } from './screens.mjs';

const kiosk = useKiosk();

// fair.get as staff reads it.
async function fairGet() {
	const r = await kiosk.env.rpc('fair.get', { id: FAIR.id }, TOKENS.staff);
	assert.ok(r.result, JSON.stringify(r.error));
	return r.result;
}

async function stats() {
	const r = await kiosk.env.rpc('fair.stats', { id: FAIR.id }, TOKENS.staff);
	assert.ok(r.result, JSON.stringify(r.error));
	return r.result;
}

// Natural order: runs of digits compare as numbers (A2 before A10).
function natural(a, b) {
	return a.localeCompare(b, 'en', { numeric: true });
}

const fairLine = (page) => page.evaluate(() => {
	const el = document.getElementById('fair-line');
	return el.hidden ? null : el.textContent;
});

describe('the fair', { timeout: 240000 }, () => {
	it('is named in the header of every screen, with its date and venue on the first', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env, { token: TOKENS.fair });
		const welcome = await page.textContent('#screen .fair');
		assert.ok(welcome.includes(FAIR.name));
		const [y, m, d] = FAIR.date.split('-').map(Number);
		assert.ok(welcome.includes(`${y}年${m}月${d}日`), welcome);
		assert.ok(welcome.includes(FAIR.venue));
		const missing = [];
		await walkSearch(page, 'default', async (name) => {
			if ((await fairLine(page)) !== '招聘会：' + FAIR.name)
				missing.push(name);
		});
		await page.click('#btn-floor');
		await page.waitForSelector('#floor-list');
		if ((await fairLine(page)) !== '招聘会：' + FAIR.name)
			missing.push('floor');
		assert.deepEqual(missing, [], 'screens without the fair\'s name');
		// in English, its name stays Chinese and marked so
		await page.click('#btn-lang');
		assert.equal(await fairLine(page), 'Job fair: ' + FAIR.name);
		assert.equal(await page.getAttribute('#fair-line [lang="zh-CN"]', 'lang'), 'zh-CN');
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	it('gives each result its booth, shown and read aloud, and on the take-home screen', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env, { token: TOKENS.fair, speech: true });
		const answers = matchAnswers(page);
		await page.keyboard.press('F2');
		await searchByPointer(page);
		await waitFor(() => answers.length === 1, 'the match\'s answer');
		const booths = new Map(FAIR.exhibitors.map((x) => [x.employer_id, x.booth]));
		const results = answers[0].results;
		assert.ok(results.length > 0);
		const shown = await page.$$eval('#results-list article', (arts) => arts.map((a) => {
			const tag = a.querySelector('h3 .booth-tag');
			return tag ? tag.textContent : null;
		}));
		for (const [i, r] of results.entries()) {
			assert.ok(booths.has(r.job.employer_id), `${r.job.employer_id} is an exhibitor`);
			assert.equal(r.job.booth, booths.get(r.job.employer_id));
			assert.equal(shown[i], '展位 ' + r.job.booth, `result ${i}'s booth`);
		}
		await shot(page.locator('#results-list > li:first-child'), 'results-booth');
		// read with the result as focus reaches it
		const n = await page.evaluate(() => window.__spoken.length);
		await tabTo(page, '#take-0');
		const said = await page.evaluate((k) => window.__spoken.slice(k).map((u) => u.text).join(' '), n);
		assert.ok(said.includes('展位 ' + results[0].job.booth), said);
		// taken home (and so on paper)
		await page.click('label[for="take-0"]');
		await page.click('#take-go-top');
		await page.waitForSelector('#qr svg');
		assert.ok((await page.textContent('.chosen-text')).includes('展位 ' + results[0].job.booth));
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});
});

describe('the operator\'s setup', { timeout: 120000 }, () => {
	it('names the fair a kiosk token is bound to', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env, { token: false });
		await page.waitForSelector('#setup-token');
		await page.fill('#setup-token', TOKENS.fair);
		await page.click('#setup-save');
		await page.waitForSelector('#setup-status.ok');
		assert.ok((await page.textContent('#setup-status')).includes(FAIR.id));
		await page.click('#setup-done');
		await page.waitForSelector('#welcome-floor');
		assert.equal(await fairLine(page), '招聘会：' + FAIR.name);
		await page.context().close();
	});
});

describe('the floor list', { timeout: 240000 }, () => {
	it('has every exhibitor in booth order with its open jobs, by keyboard, and leads to the person\'s results', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env, { token: TOKENS.fair });
		// from the settings bar, by keyboard
		await tabTo(page, '#btn-floor', { back: true });
		await page.keyboard.press('Enter');
		await page.waitForSelector('#floor-list');
		assert.ok(await focused(page, '#screen-title'));
		const fair = await fairGet();
		const rows = await page.$$eval('#floor-list > li', (lis) => lis.map((li) => ({
			booth: li.querySelector('.booth-tag').textContent,
			name: li.querySelector('.exhibitor-name').textContent,
			open: li.querySelector('.exhibitor-open').textContent,
		})));
		const want = FAIR.exhibitors.map((x) => x.booth).sort(natural);
		assert.deepEqual(rows.map((r) => r.booth), want.map((b) => '展位 ' + b), 'every booth, in booth order');
		assert.deepEqual(fair.exhibitors.map((x) => x.booth), want);
		for (const [i, x] of fair.exhibitors.entries()) {
			assert.equal(rows[i].name, x.employer_name);
			assert.equal(rows[i].open, x.open_jobs > 0 ? `${x.open_jobs}个工作在招人` : '现在没有在招人的工作');
		}
		assert.ok(fair.exhibitors.some((x) => x.open_jobs > 0));
		assert.match(await page.textContent('#screen'), /回答完问题/);
		// every control a large target
		const small = await page.$$eval('#screen button', (bs) => bs.map((b) => b.getBoundingClientRect())
			.filter((r) => r.width < 44 || r.height < 44).length);
		assert.equal(small, 0);
		// back where it was opened
		await tabTo(page, '#floor-back');
		await page.keyboard.press('Enter');
		await page.waitForSelector('#start');

		// after a search: the person's results at each booth, each a way
		// to the result
		const answers = matchAnswers(page);
		await searchByPointer(page);
		await waitFor(() => answers.length === 1, 'the match\'s answer');
		const results = answers[0].results;
		await page.click('#btn-floor');
		await page.waitForSelector('#floor-list [id^="floor-job-"]');
		const listed = await page.$$eval('#floor-list > li', (lis) => lis.map((li) =>
			[...li.querySelectorAll('[id^="floor-job-"]')].map((b) => Number(b.id.slice('floor-job-'.length)))));
		for (const [i, x] of fair.exhibitors.entries()) {
			const mine = results.map((r, k) => [r, k]).filter(([r]) => r.job.employer_id === x.employer_id).map(([, k]) => k);
			assert.deepEqual(listed[i], mine, `booth ${x.booth}: the person's results there`);
		}
		const last = results.length - 1;
		await tabTo(page, `#floor-job-${last}`);
		assert.ok((await page.textContent(`#floor-job-${last}`)).includes(results[last].job.title));
		await page.keyboard.press('Enter');
		await page.waitForSelector('#results-list');
		assert.ok(await focused(page, `#job-${last}-title`), 'focus on that result');
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});
});

describe('the organiser\'s report', { timeout: 240000 }, () => {
	it('counts the search, the results, the QR code and a consented contact left at the fair', async () => {
		const before = await stats();
		const earlier = (await kiosk.env.rpc('interest.list', { fair: FAIR.id }, TOKENS.staff)).result.interests.length;
		const page = await openKiosk(kiosk.browser, kiosk.env, { token: TOKENS.fair });
		const answers = matchAnswers(page);
		await searchByPointer(page);
		await waitFor(() => answers.length === 1, 'the match\'s answer');
		await page.click('label[for="take-0"]');
		await page.click('#take-go-top');
		await page.waitForSelector('#qr svg');
		await page.click('#home-ask-0');
		assert.match(await page.textContent('#screen .facts'), /展位/);
		await page.fill('#contact-name', '招聘会测试人');
		await page.fill('#contact-phone', '139 0000 0001');
		await page.click('label[for="consent-contact"]');
		await page.click('#contact-send');
		await page.waitForSelector('#done-back');
		const list = (await kiosk.env.rpc('interest.list', { fair: FAIR.id }, TOKENS.staff)).result.interests;
		assert.equal(list.length, earlier + 1);
		const mine = list[list.length - 1];
		assert.equal(mine.fair, FAIR.id);
		assert.deepEqual(mine.job.id, answers[0].results[0].job.id);
		assert.deepEqual(mine.person, { name: '招聘会测试人', phone: '139 0000 0001' });
		const now = await stats();
		assert.equal(now.searches.total, before.searches.total + 1);
		assert.equal(now.searches.by_disability_type.visual, before.searches.by_disability_type.visual + 1);
		assert.equal(now.results_shown, before.results_shown + answers[0].results.length);
		assert.ok(now.qr_codes > before.qr_codes, 'the QR code counted');
		assert.equal(now.interests.recorded, before.interests.recorded + 1);
		await page.context().close();
	});
});

describe('a kiosk without a fair', { timeout: 120000 }, () => {
	it('shows no fair, no floor list and no booth', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		assert.equal(await fairLine(page), null);
		assert.ok(!(await page.isVisible('#btn-floor')));
		assert.equal(await page.locator('#screen .fair, #welcome-floor').count(), 0);
		await searchByPointer(page);
		assert.equal(await page.locator('.booth-tag').count(), 0);
		assert.ok(!(await page.isVisible('#btn-floor')));
		assert.doesNotMatch(await page.textContent('body'), /展位|招聘会/);
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	it('bound to a fair nobody registered, tells the staff', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env, { token: TOKENS.fairMissing });
		await page.waitForFunction(() => /没有设置好/.test(document.getElementById('screen').textContent));
		const text = await page.textContent('#screen');
		assert.ok(text.includes(MISSING_FAIR), text);
		assert.ok(!(await page.isVisible('#btn-floor')));
		await page.context().close();
	});
});
