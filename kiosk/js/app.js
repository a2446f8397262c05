// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// The screens and moving between them. Each screen registers a
// definition; show() builds the screen from the state (so going back and
// forth loses nothing), names it in the title, marks the step in the
// steps bar, moves focus to its heading and, with reading aloud on, reads
// it. The questions' steps are, in order, STEPS.

import { t } from './i18n.js';
import { h, focusEl } from './dom.js';

// The steps a person goes through (the steps bar), by screen id.
export const STEPS = ['disability', 'town', 'skills', 'needs', 'results', 'home'];

const screens = new Map();
const listeners = [];

export const app = {
	screen: null,		// the id of the screen shown
	vocab: null,		// the daemon's vocab answer
	// At a job fair (the kiosk token bound to one): fair.get's answer,
	// else null; fairMissing: the id of a fair the token is bound to
	// that is not registered.
	fair: null,
	fairMissing: null,
	// Bumped by every reset: an answer that comes back after one finds
	// another generation and is dropped.
	gen: 0,
	aborter: new AbortController(),
};

// def: {title: message key, step: true for a step of STEPS (or the id of
// the step a screen belongs to, marked in the steps bar while it shows),
// render(root): fills root (the main element's screen), optional
// after(): called once the screen is in place and focused}.
export function register(id, def) {
	screens.set(id, def);
}

// fn(id) is called after each show().
export function onShow(fn) {
	listeners.push(fn);
}

// An abort signal that the next reset fires.
export function signal() {
	return app.aborter.signal;
}

// Shows screen id. opts.focus (default true): move focus to its heading;
// false keeps focus where it is when that element is still there (a
// re-render after a change of language or wording).
export function show(id, opts = {}) {
	const def = screens.get(id);
	const root = document.getElementById('screen');
	const focus = opts.focus !== false;
	const keep = !focus ? document.activeElement : null;
	const keepId = keep && root.contains(keep) ? keep.id : null;

	app.screen = id;
	root.replaceChildren();
	def.render(root);
	document.title = t(def.title) + ' – ' + t('appName');
	renderSteps(def.step ? (def.step === true ? id : def.step) : null);
	if (focus) {
		// the top of the page, unless the heading is then out of view (a
		// small screen, large text): then the screen's top
		window.scrollTo(0, 0);
		const h2 = root.querySelector('h2');
		if (h2.getBoundingClientRect().bottom > window.innerHeight)
			root.scrollIntoView({ block: 'start', behavior: 'instant' });
		focusEl(h2);
	} else if (keepId && document.getElementById(keepId)) {
		document.getElementById(keepId).focus({ preventScroll: true });
	}
	for (const fn of listeners)
		fn(id, opts);
	if (def.after)
		def.after(opts);
}

// Shows the screen in view again (after a change of language, wording or
// state that other screens' parts depend on), keeping focus.
export function rerender() {
	if (app.screen)
		show(app.screen, { focus: false, again: true });
}

function renderSteps(current) {
	const nav = document.getElementById('steps');
	const list = document.getElementById('steps-list');
	nav.hidden = current === null;
	document.getElementById('steps-label').textContent = t('stepsLabel');
	list.replaceChildren();
	if (current === null)
		return;
	const at = STEPS.indexOf(current);
	STEPS.forEach((id, i) => {
		const def = screens.get(id);
		const here = i === at;
		const b = h('button', {
			type: 'button',
			class: 'step' + (here ? ' step-here' : ''),
			'aria-current': here ? 'step' : null,
			on: { click: () => show(id) },
		}, h('span', { class: 'step-n' }, String(i + 1)),
		h('span', { class: 'step-name' }, t(def.nav)));
		list.append(h('li', null, b));
	});
}
