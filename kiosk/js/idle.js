// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// The idle timer of a shared screen: after idleSeconds() without a key,
// a touch, a click or the wheel (and while nothing is being read aloud)
// a dialog warns that everything will be cleared in WARN_S seconds and
// offers to go on; without an answer the page is reset. It runs only
// while the page holds something of a person (or a setting a person
// changed).

import { t } from './i18n.js';
import { idleSeconds } from './rpc.js';
import * as speech from './speech.js';

// Seconds the warning gives (WCAG 2.2.1 asks for at least 20).
export const WARN_S = 30;

let timer = null;
let tick = null;
let left = 0;
let hooks = null;

// hooks: {active(): whether there is anything to clear, reset(): the
// reset, dialog: the warning <dialog>, body: its text element}.
export function initIdle(h) {
	hooks = h;
	const seen = () => activity();
	for (const ev of ['keydown', 'pointerdown', 'wheel', 'input', 'touchstart'])
		document.addEventListener(ev, seen, { capture: true, passive: true });
	h.dialog.addEventListener('cancel', (e) => {
		// Escape in the warning means "I am still here".
		e.preventDefault();
		keep();
	});
}

// Something happened: the person is there. Restarts the wait, unless the
// warning is up (only its buttons answer it).
export function activity() {
	if (hooks && hooks.dialog.open)
		return;
	arm();
}

// (Re)starts the wait from now, or stops it when there is nothing to clear.
export function arm() {
	clearTimeout(timer);
	timer = null;
	if (!hooks || !hooks.active())
		return;
	timer = setTimeout(expired, idleSeconds() * 1000);
}

function expired() {
	timer = null;
	if (!hooks.active())
		return;
	if (speech.speaking()) {
		// a blind person listening is there: wait for the reading
		timer = setTimeout(expired, 5000);
		return;
	}
	warn();
}

function warn() {
	left = WARN_S;
	hooks.body.textContent = t('idleBody', { s: left });
	hooks.dialog.showModal();
	speech.readElement(hooks.dialog);
	tick = setInterval(() => {
		left--;
		if (left <= 0) {
			stopTick();
			hooks.dialog.close();
			hooks.reset();
			return;
		}
		hooks.body.textContent = t('idleBody', { s: left });
	}, 1000);
}

function stopTick() {
	clearInterval(tick);
	tick = null;
}

// The person answered the warning: go on.
export function keep() {
	stopTick();
	if (hooks.dialog.open)
		hooks.dialog.close();
	speech.stop();
	arm();
}

// Stops everything (the reset calls it before clearing).
export function stopIdle() {
	clearTimeout(timer);
	timer = null;
	stopTick();
	if (hooks && hooks.dialog.open)
		hooks.dialog.close();
}
