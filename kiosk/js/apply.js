// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// How to apply for a posting, as the daemon gives it with a match's
// results (the effective contact, apply_by, how_to_apply): the phone in
// large type (a tel: link is no use on a kiosk; a person writes it down
// or takes it home), the address, hours and the other ways in, the last
// day to apply in words, and the posting's own instructions. The results
// and the take-home screen (and so its print view) show it.

import { t, has } from './i18n.js';
import { h, say } from './dom.js';

// A date "YYYY-MM-DD" in words: 2027年11月8日, 8 November 2027.
export function dateText(iso) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
	if (!m)
		return iso;
	const month = Number(m[2]);
	// the month by its name where the language names it (English)
	return t('date', { y: m[1], m: has('month' + month) ? t('month' + month) : month, d: Number(m[3]) });
}

// A phone number as it is read aloud: digit by digit, a pause at each
// separator ("023-74682358" would be read as a large number otherwise).
export function spokenPhone(phone) {
	return phone.replace(/[-()]/g, ' , ').replace(/\d/g, '$& ').replace(/\s+/g, ' ')
	    .replace(/^[ ,]+|[ ,]+$/g, '');
}

// The phone shown large, and for speech and screen readers its digits
// one by one.
function phoneNode(phone) {
	return h('span', { class: 'phone' },
		h('span', { 'aria-hidden': 'true' }, phone),
		h('span', { class: 'visually-hidden' }, spokenPhone(phone)));
}

function row(key, value, cls) {
	return h('div', { class: 'fact' + (cls ? ' ' + cls : '') }, h('dt', null, t(key)), h('dd', null, value));
}

// Whether a posting says anything of how to apply.
export function hasApply(job) {
	const c = job.contact || {};
	return !!(c.phone || c.name || c.address || c.hours || c.email || c.url ||
	    job.apply_by || job.how_to_apply);
}

// The block "how to apply" of a posting: a heading of level (h4, h5)
// with the id idBase + '-apply', and the facts. What the employers wrote
// is Chinese and marked so.
export function applyBlock(job, idBase, level = 'h4') {
	const c = job.contact || {};
	const zh = (text) => say(text, 'zh-CN');
	const titleId = idBase + '-apply';
	const rows = [
		c.phone ? row('applyPhone', phoneNode(c.phone), 'fact-phone') : null,
		c.name ? row('applyName', zh(c.name)) : null,
		c.address ? row('applyAddress', zh(c.address)) : null,
		c.hours ? row('applyHours', zh(c.hours)) : null,
		c.email ? row('applyEmail', h('span', { class: 'long' }, c.email)) : null,
		c.url ? row('applyUrl', h('span', { class: 'long' }, c.url)) : null,
		job.apply_by ? row('applyBy', dateText(job.apply_by), 'fact-by') : null,
		job.how_to_apply ? row('applyHow', zh(job.how_to_apply)) : null,
	];
	return h('div', { class: 'apply' },
		h(level, { id: titleId, class: 'apply-title' }, t('applyTitle')),
		hasApply(job) ? h('dl', { class: 'facts' }, rows) :
		    h('p', null, t('applyNone')));
}

