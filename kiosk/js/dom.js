// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// Small DOM helpers: building elements, the live region, moving focus.
// Nothing here sets inline style or builds HTML from text (the page's
// Content-Security-Policy forbids inline style, and text from the daemon
// is only ever set as text).

// An element: h('p', {class: 'x', id: 'y', 'aria-live': 'polite',
// on: {click: fn}}, child, ...). A child is a node, a string (a text
// node), an array of children, or null/undefined/false (skipped). A prop
// whose value is null, undefined or false is left out; true gives "".
export function h(tag, props, ...children) {
	const ns = props && props.ns;
	const el = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
	for (const [k, v] of Object.entries(props || {})) {
		if (k === 'ns' || v === null || v === undefined || v === false)
			continue;
		if (k === 'on') {
			for (const [ev, fn] of Object.entries(v))
				el.addEventListener(ev, fn);
		} else if (k === 'text') {
			el.textContent = v;
		} else if (k === 'checked' || k === 'value') {
			el[k] = v;
		} else {
			el.setAttribute(k, v === true ? '' : String(v));
		}
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const c of children) {
		if (c === null || c === undefined || c === false)
			continue;
		if (Array.isArray(c))
			append(el, c);
		else
			el.append(c);
	}
}

// Text in a language other than the page's: <span lang="...">text</span>,
// or the text alone when it is in the page's language.
export function say(text, langTag) {
	if (!langTag || langTag === document.documentElement.lang)
		return text;
	return h('span', { lang: langTag }, text);
}

let liveSeq = 0;

// Announces text through the page's polite live region (screen readers
// read it without moving focus). The same text twice is still announced.
export function announce(text) {
	const live = document.getElementById('live');
	if (!live)
		return;
	const seq = ++liveSeq;
	live.textContent = '';
	// A separate task, so that the change is seen as new content.
	setTimeout(() => {
		if (seq === liveSeq)
			live.textContent = text;
	}, 50);
}

// Clears the live region (the reset).
export function clearLive() {
	liveSeq++;
	const live = document.getElementById('live');
	if (live)
		live.textContent = '';
}

// Moves focus to el, which need not be focusable by Tab (tabindex -1 is
// added), and scrolls it into view without animation.
export function focusEl(el) {
	if (!el)
		return;
	if (!el.hasAttribute('tabindex') && !isFocusable(el))
		el.setAttribute('tabindex', '-1');
	el.focus({ preventScroll: true });
	el.scrollIntoView({ block: 'nearest', behavior: 'instant' });
}

function isFocusable(el) {
	return el.matches('a[href], button, input, select, textarea, [tabindex]');
}
