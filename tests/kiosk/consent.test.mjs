// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// A consented contact (请联系我谈这个工作), against the real daemon: the
// form's three choices are never ticked for the person (in the DOM);
// sending without the first is refused by the page, which says what is
// missing, with focus on the box, and sends nothing (staff's
// interest.list over the RPC stays empty); the daemon's own refusal is
// shown too; sent with consent, it is stored once with exactly the
// choices made (not shared: the employer's token does not see it;
// shared, with the needs: it does), the form is forgotten at once, and
// the posting says it was asked about; the idle reset and "start over"
// clear a half-filled form; the name and phone are never in an address,
// storage, a cookie or the console, and leave the page only in the
// interest.record the person sent. The form by keyboard alone, read
// aloud, and in English.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TOKENS, TOKEN_KEY, employerToken, openKiosk, shot, useKiosk, waitFor } from './harness.mjs';
import { PERSON, searchByKeyboard, searchByPointer, tabTo, focused } from './flow.mjs';

// The idle time and the warning's (kiosk/js/rpc.js, kiosk/js/idle.js).
const IDLE_MS = 120 * 1000;
const WARN_MS = 30 * 1000;

const NAME = '测试人甲';
const PHONE = '139 1234 5678';

const kiosk = useKiosk();

// Every interest staff can read (the test's own daemon: all of them).
async function interests(token = TOKENS.staff) {
	const r = await kiosk.env.rpc('interest.list', {}, token);
	assert.ok(r.result, JSON.stringify(r.error));
	return r.result.interests;
}

async function deleteAll() {
	for (const x of await interests())
		await kiosk.env.rpc('interest.delete', { id: x.id }, TOKENS.staff);
}

// The page's requests and its console, to look at afterwards.
function watch(page) {
	const seen = { sent: [], console: [] };
	page.on('request', (r) => seen.sent.push({ url: r.url(), body: r.postData() || '' }));
	page.on('console', (m) => seen.console.push(m.text()));
	return seen;
}

// The results' first job as the page shows it: {id, employer_id, title}.
function resultJob(page, i) {
	return page.evaluate(async (k) => {
		const m = await import(new URL('js/state.js', location.href).href);
		const j = m.state.results.list[k].job;
		return { id: j.id, employer_id: j.employer_id, title: j.title };
	}, i);
}

// What the page could still hold of a form.
function held(page) {
	return page.evaluate(async (tokenKey) => {
		const m = await import(new URL('js/state.js', location.href).href);
		const local = {};
		for (let i = 0; i < localStorage.length; i++)
			local[localStorage.key(i)] = localStorage.getItem(localStorage.key(i));
		delete local[tokenKey];
		return {
			contact: m.state.contact,
			html: document.documentElement.outerHTML,
			inputs: [...document.querySelectorAll('input')].map((i) => i.value).join('|'),
			live: document.getElementById('live').textContent,
			local,
			session: sessionStorage.length,
			cookie: document.cookie,
			url: location.href,
			history: history.length,
		};
	}, TOKEN_KEY);
}

function assertNothingOf(h, what) {
	assert.equal(h.contact, null, `${what}: the form is forgotten`);
	for (const bit of [NAME, PHONE]) {
		assert.ok(!h.html.includes(bit), `${what}: ${bit} is not in the DOM`);
		assert.ok(!h.inputs.includes(bit), `${what}: ${bit} is in no field`);
		assert.ok(!h.live.includes(bit), `${what}: nor in the live region`);
		assert.ok(!decodeURIComponent(h.url).includes(bit), `${what}: nor in the address`);
	}
	assert.deepEqual(h.local, {}, `${what}: localStorage holds the kiosk token alone`);
	assert.equal(h.session, 0, `${what}: sessionStorage is empty`);
	assert.equal(h.cookie, '', `${what}: no cookie`);
}

// The form's check boxes: [{id, checked, attr}] (attr: the checked
// attribute in the markup, which would tick it for the person).
function boxes(page) {
	return page.$$eval('#consent input[type="checkbox"]', (els) =>
		els.map((e) => ({ id: e.id, checked: e.checked, attr: e.hasAttribute('checked'), def: e.defaultChecked })));
}

describe('the consent', { timeout: 180000 }, () => {
	it('is never ticked for the person, and without it nothing is sent', async () => {
		await deleteAll();
		const page = await openKiosk(kiosk.browser, kiosk.env);
		const seen = watch(page);
		await searchByPointer(page);
		await page.click('#ask-0');
		await page.waitForSelector('#contact-form');
		assert.ok(await focused(page, '#screen-title'), 'focus on the form\'s heading');
		const fresh = await boxes(page);
		assert.deepEqual(fresh.map((b) => b.id), ['consent-contact', 'consent-share', 'consent-needs'],
			'three separate choices (the person chose a need, so the third is there)');
		for (const b of fresh)
			assert.deepEqual([b.checked, b.attr, b.def], [false, false, false], `${b.id} is not ticked`);
		// what is kept, who sees it, for how long (vocab), how to erase it
		const kept = await page.textContent('.kept');
		const days = (await kiosk.env.rpc('vocab', {}, TOKENS.kiosk)).result.interest_retention_days;
		assert.equal(days, 180);
		assert.ok(kept.includes(`保存多久：${days}天`), kept);
		assert.match(kept, /谁能看到/);
		assert.match(kept, /删除/);

		// nothing filled: each field says what it needs; focus on the first
		await page.click('#contact-send');
		assert.ok(await focused(page, '#contact-name'));
		assert.equal(await page.getAttribute('#contact-name', 'aria-invalid'), 'true');
		assert.match(await page.getAttribute('#contact-name', 'aria-describedby'), /contact-name-err/);
		assert.ok(await page.isVisible('#contact-phone-err'));
		// a phone that is not one
		await page.fill('#contact-name', NAME);
		await page.fill('#contact-phone', '12ab');
		await page.click('#contact-send');
		assert.ok(await focused(page, '#contact-phone'));
		assert.match(await page.textContent('#contact-phone-err'), /电话号码不对/);
		// name and phone, no consent: refused, with focus on the box
		await page.fill('#contact-phone', PHONE);
		await page.click('label[for="consent-share"]');
		await page.click('#contact-send');
		assert.ok(await focused(page, '#consent-contact'), 'focus on the missing consent');
		assert.equal(await page.getAttribute('#consent-contact', 'aria-invalid'), 'true');
		assert.match(await page.getAttribute('#consent-contact', 'aria-describedby'), /consent-contact-err/);
		const err = await page.textContent('#consent-contact-err');
		assert.match(err, /还不能发送/);
		await waitFor(async () => (await page.textContent('#live')) === err, 'the error announced');
		assert.ok(!(await page.isVisible('#contact-name-err')), 'the name\'s error is taken back');
		await shot(page, 'contact-error');
		assert.ok(!seen.sent.some((r) => /interest\.record/.test(r.body)), 'nothing sent');
		assert.deepEqual(await interests(), [], 'nothing stored');
		// ticking it takes the error back
		await page.click('label[for="consent-contact"]');
		assert.ok(!(await page.isVisible('#consent-contact-err')));
		assert.equal(await page.getAttribute('#consent-contact', 'aria-invalid'), null);
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	it('refused by the daemon, is shown, and nothing is stored', async () => {
		await deleteAll();
		const page = await openKiosk(kiosk.browser, kiosk.env);
		// the request as a faulty page would send it: consent.contact false
		await page.route('**/rpc', (route) => {
			const body = route.request().postData() || '';
			if (!/"interest\.record"/.test(body))
				return route.continue();
			const req = JSON.parse(body);
			req.params.consent.contact = false;
			return route.continue({ postData: JSON.stringify(req) });
		});
		await searchByPointer(page);
		await page.click('#ask-1');
		await page.fill('#contact-name', NAME);
		await page.fill('#contact-phone', PHONE);
		await page.click('label[for="consent-contact"]');
		const answer = page.waitForResponse((r) => /"interest\.record"/.test(r.request().postData() || ''));
		await page.click('#contact-send');
		const body = await (await answer).json();
		assert.equal(body.error.code, -32602);
		assert.equal(body.error.data.field, 'consent.contact');
		await page.waitForSelector('#consent-contact-err:not([hidden])');
		assert.ok(await focused(page, '#consent-contact'));
		assert.equal(await page.isChecked('#consent-contact'), false, 'to be given anew');
		assert.ok(!(await page.isVisible('#contact-status')), 'no longer "sending"');
		assert.deepEqual(await interests(), []);
		assert.ok(await page.isVisible('#contact-form'), 'the form stays, to try again');
		await page.context().close();
	});
});

describe('sent with consent', { timeout: 180000 }, () => {
	it('by keyboard, not shared: stored once as chosen, the employer does not see it, the form is forgotten', async () => {
		await deleteAll();
		const page = await openKiosk(kiosk.browser, kiosk.env);
		const seen = watch(page);
		await searchByKeyboard(page);
		const job = await resultJob(page, 0);
		await tabTo(page, '#ask-0');
		await page.keyboard.press('Enter');
		await page.waitForSelector('#contact-form');
		await tabTo(page, '#contact-name');
		await page.keyboard.type(NAME);
		await tabTo(page, '#contact-phone');
		await page.keyboard.type(PHONE);
		await tabTo(page, '#consent-contact');
		await page.keyboard.press('Space');
		assert.ok(await page.isChecked('#consent-contact'));
		await tabTo(page, '#contact-send');
		await page.keyboard.press('Enter');
		await page.waitForSelector('#done-back');
		assert.ok(await focused(page, '#screen-title'));
		assert.match(await page.textContent('#screen'), /已经发送/);
		assert.match(await page.textContent('#screen'), /这家单位看不到您的名字和电话/);
		await shot(page, 'contact-done');

		const all = await interests();
		assert.equal(all.length, 1, 'stored once');
		const x = all[0];
		assert.deepEqual(x.job, job);
		assert.deepEqual(x.person, { name: NAME, phone: PHONE });
		assert.deepEqual(x.consent, { contact: true, share_with_employer: false });
		assert.deepEqual(x.needs, [], 'the needs only with the third choice');
		assert.equal(x.fair, null);
		assert.deepEqual(await interests(employerToken(job.employer_id)), [],
			'not shared: the employer does not see it');

		// forgotten at once; only in the one request
		assertNothingOf(await held(page), 'after sending');
		const carrying = seen.sent.filter((r) => r.body.includes(NAME) || r.body.includes(PHONE) ||
		    decodeURIComponent(r.url).includes(NAME) || decodeURIComponent(r.url).includes(PHONE));
		assert.equal(carrying.length, 1);
		assert.match(carrying[0].body, /"method":"interest\.record"/);
		assert.ok(!seen.console.some((l) => l.includes(NAME) || l.includes(PHONE)), 'nothing in the console');
		assert.deepEqual(await page.context().cookies(), []);

		// the posting says it was asked about, and is not asked about twice
		await page.click('#done-back');
		await page.waitForSelector('#results-list');
		assert.equal(await page.locator('#ask-0').count(), 0);
		assert.match(await page.textContent('#results-list > li:first-child .asked'), /已经留下了电话/);
		assert.equal((await interests()).length, 1);
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	it('shared, with the needs: the employer sees it, with them', async () => {
		await deleteAll();
		const page = await openKiosk(kiosk.browser, kiosk.env);
		await searchByPointer(page);
		await page.click('label[for="take-2"]');
		await page.click('#take-go-top');
		await page.waitForSelector('#qr svg');
		const job = await page.evaluate(async () => {
			const m = await import(new URL('js/state.js', location.href).href);
			const j = [...m.state.chosen.values()][0];
			return { id: j.id, employer_id: j.employer_id, title: j.title };
		});
		// from the take-home screen
		await page.click('#home-ask-0');
		await page.waitForSelector('#contact-form');
		await page.fill('#contact-name', NAME);
		await page.fill('#contact-phone', '１３９ １２３４ ５６７８');	// full-width, as an input method types
		for (const b of ['contact', 'share', 'needs'])
			await page.click(`label[for="consent-${b}"]`);
		await page.click('#contact-send');
		await page.waitForSelector('#done-back');
		assert.match(await page.textContent('#screen'), /这家单位会拿到您的名字和电话/);
		const all = await interests();
		assert.equal(all.length, 1);
		assert.deepEqual(all[0].consent, { contact: true, share_with_employer: true });
		assert.deepEqual(all[0].needs, [PERSON.need]);
		assert.deepEqual(all[0].person, { name: NAME, phone: PHONE });
		const mine = await interests(employerToken(job.employer_id));
		assert.equal(mine.length, 1, 'the employer sees what was shared with it');
		assert.deepEqual(mine[0].job, job);
		assert.deepEqual(mine[0].person, { name: NAME, phone: PHONE });
		// back to the take-home screen, which says so
		await page.click('#done-back');
		await page.waitForSelector('#qr svg');
		assert.equal(await page.locator('#home-ask-0').count(), 0);
		assert.ok(await page.isVisible('.chosen .asked'));
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});
});

describe('a half-filled form', { timeout: 180000 }, () => {
	// A form with a name, a phone and the consent, not sent.
	async function halfFill(page) {
		await searchByPointer(page);
		await page.click('#ask-0');
		await page.fill('#contact-name', NAME);
		await page.fill('#contact-phone', PHONE);
		await page.click('label[for="consent-contact"]');
		const h = await held(page);
		assert.deepEqual([h.contact.name, h.contact.phone, h.contact.contact], [NAME, PHONE, true]);
	}

	it('keeps what is typed through a change of language, and "do not send" forgets it', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		await halfFill(page);
		await page.click('#btn-lang');
		await page.waitForSelector('#screen-title:text("Contact me about this job")');
		assert.equal(await page.inputValue('#contact-name'), NAME);
		assert.equal(await page.inputValue('#contact-phone'), PHONE);
		assert.ok(await page.isChecked('#consent-contact'));
		assert.match(await page.textContent('.kept'), /For how long: 180 days/);
		await shot(page, 'contact-en');
		await page.click('#contact-cancel');
		await page.waitForSelector('#results-list');
		assertNothingOf(await held(page), 'after "do not send"');
		await page.click('#ask-0');
		assert.equal(await page.inputValue('#contact-name'), '', 'an empty form again');
		assert.equal(await page.isChecked('#consent-contact'), false);
		await page.context().close();
	});

	it('is cleared by the idle reset', async () => {
		await deleteAll();
		const page = await openKiosk(kiosk.browser, kiosk.env, { clock: true });
		await halfFill(page);
		await page.clock.fastForward(IDLE_MS);
		await page.waitForSelector('#idle-dialog[open]');
		await page.clock.runFor(WARN_MS + 1000);
		await page.waitForSelector('#start');
		assertNothingOf(await held(page), 'after the idle reset');
		assert.deepEqual(await interests(), [], 'and nothing was sent');
		await page.context().close();
	});

	it('is cleared by "start over"', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		await halfFill(page);
		await page.click('#btn-reset');
		await page.click('#reset-yes');
		await page.waitForSelector('#start');
		assertNothingOf(await held(page), 'after start over');
		await page.context().close();
	});
});

describe('the form read aloud', { timeout: 180000 }, () => {
	it('reads the form with each choice\'s state, and the error', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env, { speech: true });
		await page.keyboard.press('F2');
		await searchByPointer(page);
		let n = await page.evaluate(() => window.__spoken.length);
		await page.click('#ask-0');
		await page.waitForFunction((k) => window.__spoken.slice(k).some((u) => /您同意吗/.test(u.text)), n);
		let said = await page.evaluate((k) => window.__spoken.slice(k).map((u) => u.text).join(' '), n);
		assert.match(said, /请联系我谈这个工作/);
		assert.match(said, /保存多久：180天/);
		assert.match(said, /我同意残联工作人员用这个电话联系我，谈这个工作。.*没选/);
		assert.match(said, /我同意把我的姓名和电话交给这家单位。.*没选/);
		await page.fill('#contact-name', NAME);
		await page.fill('#contact-phone', PHONE);
		n = await page.evaluate(() => window.__spoken.length);
		await page.click('#contact-send');
		await page.waitForFunction((k) => window.__spoken.slice(k).some((u) => /还不能发送/.test(u.text)), n);
		said = await page.evaluate((k) => window.__spoken.slice(k).map((u) => u.text).join(' '), n);
		assert.match(said, /我同意残联工作人员用这个电话联系我.*没选.*还不能发送/, 'the box, then what is missing');
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});
});
