// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// Provisioning a kiosk: with no token kept the page opens the operator's
// setup; a staff token and a wrong one are refused and not kept; a kiosk
// token is kept in localStorage (and nowhere else) and the kiosk works;
// Ctrl+Alt+Shift+K opens the setup from any screen; a kept token the
// daemon refuses shows "not set up".

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TOKENS, TOKEN_KEY, openKiosk, useKiosk } from './harness.mjs';

const kiosk = useKiosk();

function kept(page) {
	return page.evaluate((k) => localStorage.getItem(k), TOKEN_KEY);
}

async function save(page, token) {
	await page.fill('#setup-token', token);
	await page.click('#setup-save');
	await page.waitForFunction(() => document.getElementById('setup-status').textContent !== '');
	const status = await page.textContent('#setup-status');
	await page.evaluate(() => { document.getElementById('setup-status').textContent = ''; });
	return status;
}

describe('the kiosk token', { timeout: 120000 }, () => {
	it('is set up once by the operator: staff and wrong tokens refused, a kiosk token kept', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env, { token: false });
		const urls = [];
		page.on('request', (r) => urls.push(r.url()));
		await page.waitForSelector('#setup-token');
		assert.equal(await page.getAttribute('#setup-token', 'type'), 'password');
		assert.match(await save(page, TOKENS.staff), /staff/);
		assert.equal(await kept(page), null, 'a staff token is not kept on a kiosk');
		assert.match(await save(page, 'no-such-token'), /令牌不对/);
		assert.equal(await kept(page), null);
		assert.match(await save(page, TOKENS.kiosk), /已设置好/);
		assert.equal(await kept(page), TOKENS.kiosk);
		assert.equal(await page.inputValue('#setup-token'), '', 'the field does not keep it on screen');
		await page.click('#setup-done');
		await page.waitForSelector('#start');
		for (const u of urls)
			assert.ok(!u.includes(TOKENS.kiosk) && !u.includes(TOKENS.staff), 'no token in an address');
		// only the token, and nothing in cookies or sessionStorage
		assert.deepEqual(await page.evaluate(() => [Object.keys(localStorage), sessionStorage.length, document.cookie]),
			[[TOKEN_KEY], 0, '']);
		// a reload starts straight away
		await page.reload();
		await page.waitForSelector('#start');
		// the refused tokens' answers (401) are the only errors
		assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), []);
		await page.context().close();
	});

	it('Ctrl+Alt+Shift+K opens the setup from any screen; the idle time is set there', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		await page.click('#start');
		await page.waitForSelector('#type');
		await page.keyboard.press('Control+Alt+Shift+KeyK');
		await page.waitForSelector('#setup-idle');
		await page.fill('#setup-idle', '5');
		await page.click('#setup-save');
		assert.match(await page.textContent('#setup-status'), /30到900/);
		await page.fill('#setup-idle', '300');
		await page.click('#setup-save');
		await page.waitForFunction(() => /已设置好/.test(document.getElementById('setup-status').textContent));
		assert.equal(await page.evaluate(() => localStorage.getItem('jobmatchd.kiosk.idle_s')), '300');
		assert.equal(await kept(page), TOKENS.kiosk, 'an empty token field keeps the token');
		await page.context().close();
	});

	it('a kept token the daemon refuses shows "not set up"', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env, { token: 'revoked-token' });
		await page.waitForFunction(() => /还没有设置好/.test(document.getElementById('screen-title').textContent));
		assert.ok(!(await page.isVisible('#start')));
		await page.context().close();
	});
});
