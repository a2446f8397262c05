// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// screens.mjs - every screen of the kiosk, reached one after the other by
// pointer, for the checks that look at each (axe-core, the reflow, the
// screenshots). visit(name) is called on each once it is complete.

import { PERSON } from './flow.mjs';
import { openKiosk, TOKENS } from './harness.mjs';

// The name and phone a person leaves on the contact form.
export const CONTACT = { name: '试用者', phone: '023-7468 0000' };

// The display modes: the buttons that turn each on.
export const MODES = {
	default: [],
	large: ['#btn-large'],
	contrast: ['#btn-contrast'],
};

async function setMode(page, mode) {
	for (const b of MODES[mode])
		await page.click(b);
}

// The screens of a search, from the welcome screen to the QR code and a
// request to be contacted about a posting, and the two dialogs (start over; the idle warning, brought by the page's clock,
// which opts.clock installs).
export async function walkSearch(page, mode, visit, opts = {}) {
	await setMode(page, mode);
	await visit('welcome');
	await page.click('#start');
	await page.waitForSelector('#type');
	await visit('disability');
	await page.click('#next');
	await page.waitForSelector('#type-err:not([hidden])');
	await visit('disability-error');
	await page.click(`label[for="type-${PERSON.type}"]`);
	await page.click(`label[for="grade-${PERSON.grade}"]`);
	await page.click('#next');
	await page.waitForSelector('#town');
	await visit('town');
	await page.click(`label[for="town-${PERSON.townKind}-${PERSON.town}"]`);
	await page.click('#next');
	await page.waitForSelector('#skills-common li');
	await page.click('#skills-common button >> nth=0');
	await page.fill('#skill-input', PERSON.typed);
	await page.waitForSelector('#skill-list:not([hidden]) [role="option"]');
	await page.keyboard.press('ArrowDown');
	await visit('skills');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#skills-chosen li:nth-child(2)');
	await page.click('#next');
	await page.click(`label[for="needs-${PERSON.needGroup}-${PERSON.need}"]`);
	await visit('needs');
	await page.click('#next');
	await page.waitForSelector('#results-list li');
	await page.click('label[for="take-0"]');
	await page.click('label[for="take-1"]');
	await page.waitForFunction(() => document.getElementById('live').textContent !== '');
	await visit('results');
	await page.click('#take-go-top');
	await page.waitForSelector('#qr svg');
	await visit('home');
	// asking to be contacted about a chosen posting: the form, its
	// refusal without the consent, the confirmation
	await page.click('#home-ask-0');
	await page.waitForSelector('#contact-form');
	await visit('contact');
	await page.fill('#contact-name', CONTACT.name);
	await page.fill('#contact-phone', CONTACT.phone);
	await page.click('#contact-send');
	await page.waitForSelector('#consent-contact-err:not([hidden])');
	await visit('contact-error');
	await page.click('label[for="consent-contact"]');
	await page.click('#contact-send');
	await page.waitForSelector('#done-back');
	await visit('contact-done');
	await page.click('#done-back');
	await page.waitForSelector('#qr svg');
	await page.click('#btn-reset');
	await page.waitForSelector('#reset-dialog[open]');
	await visit('start-over');
	await page.click('#reset-no');
	if (opts.clock) {
		await page.clock.fastForward(opts.idleMs);
		await page.waitForSelector('#idle-dialog[open]');
		await visit('idle-warning');
		await page.click('#idle-keep');
	}
}

// The screens outside a search: the operator's setup (no token kept) and
// "not set up" (a token the daemon refuses).
export async function walkOthers(browser, env, mode, visit, ctxOpts = {}) {
	let page = await openKiosk(browser, env, Object.assign({ token: false }, ctxOpts));
	await page.waitForSelector('#setup-token');
	await setMode(page, mode);
	await visit(page, 'setup');
	await page.context().close();
	page = await openKiosk(browser, env, Object.assign({ token: false }, ctxOpts));
	await page.evaluate((t) => localStorage.setItem('jobmatchd.kiosk.token', t), TOKENS.kiosk + '-wrong');
	await page.reload();
	await page.waitForSelector('#screen-title');
	await page.waitForFunction(() => !!document.querySelector('#screen .hint'));
	await setMode(page, mode);
	await visit(page, 'not-set-up');
	await page.context().close();
}

// The screens of a kiosk at a job fair (opened with the fair's token):
// the welcome screen with the fair, the floor list before a search and
// after it, and the results with their booths.
export async function walkFair(page, mode, visit) {
	await setMode(page, mode);
	await page.waitForSelector('#welcome-floor');
	await visit('welcome-fair');
	await page.click('#btn-floor');
	await page.waitForSelector('#floor-list');
	await visit('floor');
	await page.click('#floor-start');
	await page.click(`label[for="type-${PERSON.type}"]`);
	await page.click(`label[for="grade-${PERSON.grade}"]`);
	await page.click('#next');
	await page.click(`label[for="town-${PERSON.townKind}-${PERSON.town}"]`);
	await page.click('#next');
	await page.click('#next');
	await page.click('#next');
	await page.waitForSelector('#results-list .booth-tag');
	await visit('results-fair');
	await page.click('#btn-floor');
	await page.waitForSelector('#floor-list [id^="floor-job-"]');
	await visit('floor-results');
}
