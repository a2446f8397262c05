// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// Self-voicing: for a blind person at a kiosk with no screen reader, the
// browser's speech synthesis reads each screen when it appears and each
// control (with its state) and each result as focus reaches it. Text is
// read in the language it is marked with (lang attributes), one
// utterance a block, so Chinese names in the English page are read by a
// Chinese voice. Everything queued is cancelled by the next reading, by
// turning it off and by the reset.

import { t, tag } from './i18n.js';

const synth = window.speechSynthesis || null;
let on = false;

export function supported() {
	return synth !== null && typeof window.SpeechSynthesisUtterance === 'function';
}

export function isOn() {
	return on;
}

// Turns reading aloud on or off; says so.
export function setOn(v) {
	on = v && supported();
	stop();
	if (on)
		speak([[{ text: t('voiceOn'), lang: tag() }]]);
}

// Stops what is being read and forgets what is queued.
export function stop() {
	if (synth)
		synth.cancel();
}

// Whether something is being read (the idle timer waits for it).
export function speaking() {
	return on && synth !== null && (synth.speaking || synth.pending);
}

// Reads blocks ([[{text, lang}], ...]) after cancelling what was queued.
export function speak(blocks, append) {
	if (!on)
		return;
	if (!append)
		stop();
	for (const block of blocks) {
		for (const run of merge(block)) {
			const u = new SpeechSynthesisUtterance(run.text);
			u.lang = run.lang;
			u.rate = 0.9;
			synth.speak(u);
		}
	}
}

// Reads text in the page's language.
export function speakText(text, append) {
	speak([[{ text, lang: tag() }]], append);
}

// Joins neighbouring runs of one language; drops empty ones.
function merge(block) {
	const out = [];
	for (const r of block) {
		const text = r.text.replace(/\s+/g, ' ').trim();
		if (!text)
			continue;
		const last = out[out.length - 1];
		if (last && last.lang === r.lang)
			last.text += ' ' + text;
		else
			out.push({ text, lang: r.lang });
	}
	return out;
}

const BLOCKS = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'LI', 'DT', 'DD',
	'LEGEND', 'LABEL', 'BUTTON', 'FIGCAPTION', 'PRE', 'ARTICLE', 'SECTION',
	'FIELDSET', 'DIV', 'FORM', 'UL', 'OL', 'DL', 'FIGURE', 'NAV']);

function hidden(el) {
	if (el.hidden || el.getAttribute('aria-hidden') === 'true' ||
	    el.classList.contains('no-speak'))
		return true;
	const cs = getComputedStyle(el);
	return cs.display === 'none' || cs.visibility === 'hidden';
}

function langOf(node) {
	const el = node.nodeType === 1 ? node : node.parentElement;
	const withLang = el && el.closest('[lang]');
	return withLang ? withLang.getAttribute('lang') : tag();
}

// The state words of a control, in the page's language.
function stateOf(el) {
	if (el.tagName === 'INPUT' && (el.type === 'radio' || el.type === 'checkbox'))
		return t(el.checked ? 'voiceSelected' : 'voiceNotSelected');
	if (el.hasAttribute('aria-pressed'))
		return t(el.getAttribute('aria-pressed') === 'true' ? 'voiceOnState' : 'voiceOffState');
	return '';
}

// What an element says, as blocks: its text in document order, each
// control's label followed by its state, a text box's value.
export function blocksOf(root) {
	const blocks = [];
	let cur = [];
	const flush = () => {
		if (cur.length)
			blocks.push(cur);
		cur = [];
	};
	const walk = (node) => {
		if (node.nodeType === 3) {
			cur.push({ text: node.nodeValue, lang: langOf(node) });
			return;
		}
		if (node.nodeType !== 1 || hidden(node))
			return;
		if (node.tagName === 'svg') {
			const name = node.getAttribute('aria-label');
			if (name)
				cur.push({ text: name, lang: langOf(node) });
			return;
		}
		if (node.tagName === 'INPUT') {
			if (node.type === 'text' || node.type === 'search')
				cur.push({ text: node.value || t('voiceEmpty'), lang: tag() });
			return;
		}
		const block = BLOCKS.has(node.tagName);
		if (block)
			flush();
		for (const c of node.childNodes)
			walk(c);
		if (node.tagName === 'LABEL' && node.control)
			cur.push({ text: stateOf(node.control), lang: tag() });
		else if (node.tagName === 'BUTTON')
			cur.push({ text: stateOf(node), lang: tag() });
		if (block)
			flush();
	};
	walk(root);
	flush();
	return blocks;
}

// Reads an element (a screen, a result).
export function readElement(el, append) {
	if (on && el)
		speak(blocksOf(el), append);
}

// Reads what focus reached: a control by its label and state, a result by
// the whole result, anything else by its text.
export function readFocus(el) {
	if (!on || !el || el === document.body)
		return;
	const result = el.closest('article');
	if (result && el.matches('input, [data-reads-article]')) {
		readElement(result);
		return;
	}
	if (el.tagName === 'INPUT' && el.labels && el.labels.length) {
		const blocks = blocksOf(el.labels[0]);
		if (el.type === 'text' || el.type === 'search' || el.type === 'password' || el.type === 'number')
			blocks.push([{ text: el.type === 'password' ? '' : (el.value || t('voiceEmpty')), lang: tag() }]);
		speak(blocks);
		return;
	}
	readElement(el);
}
