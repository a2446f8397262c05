// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// Privacy at a shared screen: the idle timer warns, can be extended, and
// then clears everything of the person (the page's state, the DOM, the
// speech queue, the QR code, the settings they chose; storage, cookies,
// the address and the history hold nothing of them); "start over" does the
// same; the profile leaves the page only in match requests, and the kiosk
// token only in the Authorization header.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TOKENS, TOKEN_KEY, openKiosk, useKiosk } from './harness.mjs';
import { PERSON, searchByPointer } from './flow.mjs';

// The idle time the kiosk uses when its operator set none, and the
// warning's (kiosk/js/rpc.js, kiosk/js/idle.js).
const IDLE_MS = 120 * 1000;
const WARN_MS = 30 * 1000;

const kiosk = useKiosk();

// Everything the page could still hold of the person.
function traces(page) {
	return page.evaluate(async (tokenKey) => {
		const m = await import(new URL('js/state.js', location.href).href);
		const st = m.state;
		const local = {};
		for (let i = 0; i < localStorage.length; i++)
			local[localStorage.key(i)] = localStorage.getItem(localStorage.key(i));
		delete local[tokenKey];
		return {
			state: {
				type: st.type, grade: st.grade, town: st.town, skills: st.skills,
				needs: st.needs, skillText: st.skillText, results: st.results,
				chosen: [...st.chosen.keys()],
			},
			html: document.documentElement.outerHTML,
			live: document.getElementById('live').textContent,
			local,
			session: sessionStorage.length,
			cookie: document.cookie,
			url: location.href,
			history: history.length,
			classes: document.documentElement.className,
			lang: document.documentElement.lang,
			voice: document.getElementById('btn-voice').getAttribute('aria-pressed'),
			speaking: window.speechSynthesis.speaking || window.speechSynthesis.pending,
			cancels: window.__cancels || 0,
		};
	}, TOKEN_KEY);
}

const EMPTY = { type: null, grade: null, town: null, skills: [], needs: [], skillText: '',
	results: null, chosen: [] };

// A person's session up to the QR code, with reading aloud and large
// text on; returns what the page showed that must not survive.
async function session(page) {
	await page.addInitScript(() => {
		window.__cancels = 0;
		const synth = window.speechSynthesis;
		const cancel = synth.cancel.bind(synth);
		synth.cancel = () => {
			window.__cancels++;
			cancel();
		};
	});
	await page.reload();
	await page.waitForSelector('#start');
	await page.click('#btn-large');
	await page.click('#btn-voice');
	await searchByPointer(page);
	const titles = await page.$$eval('#results-list .job-title', (els) => els.map((e) => e.textContent));
	await page.click('label[for="take-0"]');
	await page.click('#take-go-top');
	await page.waitForSelector('#qr svg');
	return { titles, skill: (await traces(page)).state.skills[0] };
}

function assertCleared(t, before, seen) {
	assert.deepEqual(t.state, EMPTY, 'the state holds nothing');
	for (const title of seen.titles)
		assert.ok(!t.html.includes(title), `no posting left in the DOM: ${title}`);
	assert.ok(!t.html.includes(seen.skill), 'no skill left in the DOM');
	assert.ok(!t.html.includes('桂溪街道'), 'no town left in the DOM');
	assert.ok(!/<svg/.test(t.html), 'no QR code left');
	assert.ok(!/type="checkbox"|type="radio"/.test(t.html), 'no answer left');
	assert.equal(t.live, '', 'the live region is empty');
	assert.deepEqual(t.local, {}, 'localStorage holds the kiosk token alone');
	assert.equal(t.session, 0, 'sessionStorage is empty');
	assert.equal(t.cookie, '', 'no cookie');
	assert.equal(t.url, before.url, 'the address is unchanged');
	assert.equal(t.history, before.history, 'the history has no entry of the person');
	assert.equal(t.classes, '', 'large text and high contrast are off again');
	assert.equal(t.lang, 'zh-CN');
	assert.equal(t.voice, 'false', 'reading aloud is off');
	assert.ok(!t.speaking, 'nothing is being read');
	assert.ok(t.cancels > 0, 'the speech queue was cancelled');
}

describe('the idle reset', { timeout: 120000 }, () => {
	it('warns, can be extended, then clears everything of the person', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env, { clock: true, speech: true });
		const before = await traces(page);
		const seen = await session(page);
		const during = await traces(page);
		assert.notDeepEqual(during.state, EMPTY);
		assert.equal(during.state.type, PERSON.type);

		// the warning, read aloud too, and "I am still here" keeps all
		await page.clock.fastForward(IDLE_MS);
		await page.waitForSelector('#idle-dialog[open]');
		assert.equal(await page.getAttribute('#idle-dialog', 'role'), 'alertdialog');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'idle-keep');
		assert.match(await page.textContent('#idle-body'), /\d+秒后/);
		assert.ok((await page.evaluate(() => window.__spoken.map((u) => u.text).join(' '))).includes('您还在吗'));
		await page.click('#idle-keep');
		assert.ok(!(await page.isVisible('#idle-dialog')));
		assert.ok(await page.isVisible('#qr svg'), 'nothing was cleared');
		assert.deepEqual((await traces(page)).state, during.state);

		// activity restarts the wait
		await page.clock.fastForward(IDLE_MS - 5000);
		await page.mouse.move(5, 5);
		await page.keyboard.press('Shift');
		await page.clock.fastForward(10000);
		assert.ok(!(await page.isVisible('#idle-dialog')), 'a key restarts the wait');

		// unanswered: everything goes
		await page.clock.fastForward(IDLE_MS);
		await page.waitForSelector('#idle-dialog[open]');
		await page.clock.runFor(WARN_MS + 1000);
		await page.waitForSelector('#start');
		assertCleared(await traces(page), before, seen);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'screen-title',
			'focus is on the first screen\'s heading');
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	it('does not run on an untouched first screen', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env, { clock: true });
		await page.clock.fastForward(IDLE_MS * 3);
		assert.ok(!(await page.isVisible('#idle-dialog')));
		await page.context().close();
	});
});

describe('start over', { timeout: 120000 }, () => {
	it('asks, and "no" keeps everything; "yes" clears everything of the person', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env, { speech: true });
		const before = await traces(page);
		const seen = await session(page);
		await page.click('#btn-reset');
		await page.waitForSelector('#reset-dialog[open]');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'reset-no', 'the safe answer has focus');
		await page.keyboard.press('Enter');
		assert.ok(await page.isVisible('#qr svg'));
		await page.click('#btn-reset');
		await page.click('#reset-yes');
		await page.waitForSelector('#start');
		assertCleared(await traces(page), before, seen);
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});
});

describe('what leaves the page', { timeout: 120000 }, () => {
	it('the profile only in match requests; the token only in the Authorization header', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		const sent = [];
		page.on('request', (r) => sent.push({
			url: r.url(), method: r.method(), body: r.postData() || '', auth: r.headers().authorization || null,
		}));
		const served = [];
		page.on('response', async (r) => {
			if (r.request().method() === 'GET' && !/qr\.(svg|txt)/.test(r.url()))
				served.push(await r.text().catch(() => ''));
		});
		await page.reload();
		await page.waitForSelector('#start');
		await searchByPointer(page);
		await page.click('label[for="take-0"]');
		await page.click('#take-go-top');
		await page.waitForSelector('#qr svg');
		const profileBits = [`"${PERSON.type}"`, PERSON.town, PERSON.need];
		assert.ok(sent.some((r) => /"method":"match"/.test(r.body)));
		for (const r of sent) {
			const u = new URL(r.url);
			assert.equal(u.origin, new URL(kiosk.env.url).origin, 'nothing is asked of another site');
			assert.ok(!r.url.includes(TOKENS.kiosk), 'no token in an address: ' + r.url);
			for (const bit of profileBits)
				assert.ok(!decodeURIComponent(r.url).includes(bit), `no profile in an address: ${r.url}`);
			if (r.method === 'POST' && !/"method":"match"/.test(r.body))
				for (const bit of profileBits)
					assert.ok(!r.body.includes(bit), `the profile only in match requests: ${r.body}`);
			if (/\/rpc$|\/qr\./.test(u.pathname))
				assert.equal(r.auth, 'Bearer ' + TOKENS.kiosk, 'the token in the Authorization header');
			else
				assert.equal(r.auth, null, 'no token with the page\'s files');
			if (/\/qr\./.test(u.pathname))
				assert.deepEqual([...u.searchParams.keys()].sort(), ['jobs', 'lang'], 'the QR code is asked for by postings and language');
		}
		assert.ok(served.length > 3);
		for (const body of served)
			assert.ok(!body.includes(TOKENS.kiosk), 'no token in the served files');
		assert.deepEqual(await page.context().cookies(), []);
		await page.context().close();
	});
});
