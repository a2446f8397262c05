// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// flow.mjs - a person's way through the kiosk, by keyboard alone or by
// pointer, shared by the browser tests. The profile is the sample data's
// blind massage therapist: visual disability, grade 2, living in 桂溪街道,
// who knows 推拿 and needs step-free access.

import assert from 'node:assert/strict';

export const PERSON = {
	type: 'visual',
	grade: 2,
	town: '500231001000',		// 桂溪街道, a subdistrict
	townKind: 'subdistrict',
	typed: '推',			// typed in the skill box; a suggestion is taken
	need: 'step_free_access',
	needGroup: 'access',
};

// The answers to the page's match requests, as the daemon sent them
// (their results), in an array that fills as they come.
export function matchAnswers(page) {
	const seen = [];
	page.on('response', async (r) => {
		if (/"method":"match"/.test(r.request().postData() || ''))
			seen.push((await r.json()).result);
	});
	return seen;
}

// What the page's element that has focus is: selector-testable.
export function focused(page, selector) {
	return page.evaluate((s) => !!document.activeElement && document.activeElement.matches(s), selector);
}

// Whether the element with focus shows a focus indicator: an outline
// (its own, or its tile's when it is a radio button or check box in one).
async function focusShown(page) {
	return page.evaluate(() => {
		const el = document.activeElement;
		if (!el || el === document.body)
			return { ok: true };
		const holder = el.closest('.tile, .take') || el;
		const cs = getComputedStyle(holder);
		const ok = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
		return { ok, what: el.outerHTML.slice(0, 120) };
	});
}

// Presses Tab (back: Shift+Tab) until the element with focus matches
// selector, checking at every stop that focus can be seen.
export async function tabTo(page, selector, { max = 120, back = false } = {}) {
	for (let i = 0; i < max; i++) {
		if (await focused(page, selector))
			return;
		await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
		const shown = await focusShown(page);
		assert.ok(shown.ok, 'focus is not visible on ' + shown.what);
	}
	assert.fail(`Tab never reached ${selector}`);
}

export async function screenIs(page, h2Text) {
	await page.waitForFunction((text) => {
		const h2 = document.querySelector('#screen h2');
		return h2 && h2.textContent.includes(text);
	}, h2Text);
}

// The whole search by keyboard alone: from the welcome screen to the
// results, then one result taken home to its QR code.
export async function searchByKeyboard(page) {
	// welcome: focus is on the heading; Tab to "start"
	await tabTo(page, '#start');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#type');
	assert.ok(await focused(page, '#screen-title'), 'focus moves to the heading of a new step');
	// disability: the first type is "visual"; the grade by arrow key
	await tabTo(page, 'input[name="type"]');
	await page.keyboard.press('Space');
	await tabTo(page, 'input[name="grade"]');
	await page.keyboard.press('Space');
	await page.keyboard.press('ArrowDown');
	assert.ok(await page.isChecked(`#type-${PERSON.type}`));
	assert.ok(await page.isChecked(`#grade-${PERSON.grade}`));
	await tabTo(page, '#next');
	await page.keyboard.press('Enter');
	// town: the arrow keys walk the towns in order
	await page.waitForSelector('#town');
	await tabTo(page, 'input[name="town"]');
	await page.keyboard.press('Space');
	const town = `#town-${PERSON.townKind}-${PERSON.town}`;
	for (let i = 0; i < 50 && !(await page.isChecked(town)); i++)
		await page.keyboard.press('ArrowDown');
	assert.ok(await page.isChecked(town));
	await tabTo(page, '#next');
	await page.keyboard.press('Enter');
	// skills: type, take the first suggestion with the arrow keys
	await page.waitForSelector('#skill-input');
	await tabTo(page, '#skill-input');
	await page.keyboard.type(PERSON.typed);
	await page.waitForSelector('#skill-list:not([hidden]) [role="option"]');
	await page.keyboard.press('ArrowDown');
	assert.equal(await page.getAttribute('#skill-input', 'aria-activedescendant'), 'skill-opt-0');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#skills-chosen li');
	await tabTo(page, '#next');
	await page.keyboard.press('Enter');
	// needs
	await page.waitForSelector(`#needs-${PERSON.needGroup}`);
	await tabTo(page, `#needs-${PERSON.needGroup}-${PERSON.need}`);
	await page.keyboard.press('Space');
	assert.ok(await page.isChecked(`#needs-${PERSON.needGroup}-${PERSON.need}`));
	await tabTo(page, '#next');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#results-list li');
}

// The same by pointer (clicks; the skill typed into the box as a touch
// keyboard would, the suggestion clicked).
export async function searchByPointer(page) {
	await page.click('#start');
	await page.click(`label[for="type-${PERSON.type}"]`);
	await page.click(`label[for="grade-${PERSON.grade}"]`);
	await page.click('#next');
	await page.click(`label[for="town-${PERSON.townKind}-${PERSON.town}"]`);
	await page.click('#next');
	await page.waitForSelector('#skill-input');
	await page.click('#skill-input');
	await page.keyboard.type(PERSON.typed);
	await page.click('#skill-list:not([hidden]) [role="option"] >> nth=0');
	await page.waitForSelector('#skills-chosen li');
	await page.click('#next');
	await page.click(`label[for="needs-${PERSON.needGroup}-${PERSON.need}"]`);
	await page.click('#next');
	await page.waitForSelector('#results-list li');
}

// The text of the live region once it has some.
export async function liveText(page) {
	await page.waitForFunction(() => document.getElementById('live').textContent !== '');
	return page.textContent('#live');
}
