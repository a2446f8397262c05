// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// A person's request to be contacted about a posting (请联系我谈这个工作),
// from a result or from the take-home screen: their name and phone, then
// in plain words what is kept, who sees it, for how long (vocab's
// interest_retention_days) and how to have it erased, then three separate
// choices that are never ticked for them: (1) the federation's staff may
// call them about this job (needed to send), (2) the employer gets their
// name and phone, (3) their needs go with it. interest.record sends it;
// the form is forgotten as soon as it is sent. Name and phone live in
// state.contact only (cleared by "do not send" and the reset): never in
// an address, storage, a cookie or the console.

import { t, label } from './i18n.js';
import { h, say, announce } from './dom.js';
import { app, register, show, signal } from './app.js';
import { state, jobKey } from './state.js';
import { call } from './rpc.js';
import * as speech from './speech.js';

// The longest name and phone (the daemon's limits; maxlength counts
// UTF-16 units, so a name never passes the daemon's 50 characters), and
// the digits a phone number has.
const NAME_MAX = 50;
const PHONE_MAX = 32;
const PHONE_DIGITS_MIN = 5;
const PHONE_DIGITS_MAX = 20;

// The fields that can be wrong: the control and its error's element.
const FIELDS = {
	name: 'contact-name',
	phone: 'contact-phone',
	consent: 'consent-contact',
};

let sending = false;

// Opens the form for job, from the screen `from` ('results' or 'home').
// The same posting's form, half filled, is kept; another's starts empty.
export function openContact(job, from) {
	const key = jobKey(job);
	if (!state.contact || state.contact.key !== key)
		state.contact = { key, job, from, name: '', phone: '', contact: false, share: false, needs: false };
	else
		state.contact.from = from;
	show('contact');
}

// A posting's button that opens the form (id: the button's id), or, once
// the person asked about it, the words that say so.
export function askButton(job, id, from) {
	if (state.asked.has(jobKey(job)))
		return h('p', { class: 'asked ok no-print' }, t('askDone'));
	return h('button', {
		type: 'button', class: 'secondary ask', id,
		'aria-label': t('askLabel', { title: job.title }),
		on: { click: () => openContact(job, from) },
	}, t('ask'));
}

// Full-width digits, signs and spaces (a Chinese input method's) as ASCII.
function halfWidth(s) {
	return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0))
	    .replace(/\u3000/g, ' ');
}

// As the daemon checks it: digits, spaces and + - ( ), 5 to 20 digits.
function phoneOk(p) {
	const digits = (p.match(/\d/g) || []).length;
	return p.length <= PHONE_MAX && /^[0-9 +()-]+$/.test(p) &&
	    digits >= PHONE_DIGITS_MIN && digits <= PHONE_DIGITS_MAX;
}

// What the form lacks: [[field, message key]] in the form's order.
function check(c) {
	const errs = [];
	const phone = halfWidth(c.phone).trim();
	if (!c.name.trim())
		errs.push(['name', 'contactNeedName']);
	if (!phone)
		errs.push(['phone', 'contactNeedPhone']);
	else if (!phoneOk(phone))
		errs.push(['phone', 'contactBadPhone']);
	if (c.contact !== true)
		errs.push(['consent', 'contactNeedConsent']);
	return errs;
}

function setError(field, key) {
	const control = document.getElementById(FIELDS[field]);
	const err = document.getElementById(FIELDS[field] + '-err');
	if (!control || !err)
		return;
	const desc = (control.getAttribute('aria-describedby') || '').split(' ').filter((d) => d && d !== err.id);
	if (key) {
		err.textContent = t(key);
		err.hidden = false;
		control.setAttribute('aria-invalid', 'true');
		desc.push(err.id);
	} else {
		err.textContent = '';
		err.hidden = true;
		control.removeAttribute('aria-invalid');
	}
	if (desc.length)
		control.setAttribute('aria-describedby', desc.join(' '));
	else
		control.removeAttribute('aria-describedby');
}

// Shows errs ([[field, key]]), takes back the others, and puts focus on
// the first; the errors are announced and read aloud after its label.
function showErrors(errs) {
	for (const f of Object.keys(FIELDS))
		setError(f, null);
	for (const [f, key] of errs)
		setError(f, key);
	if (!errs.length)
		return;
	const text = errs.map(([, key]) => t(key)).join(' ');
	const first = document.getElementById(FIELDS[errs[0][0]]);
	first.focus({ preventScroll: true });
	first.closest('.field, fieldset').scrollIntoView({ block: 'start', behavior: 'instant' });
	announce(text);
	speech.speakText(text, true);
}

function status(key) {
	const p = document.getElementById('contact-status');
	if (!p)
		return;
	p.textContent = key ? t(key) : '';
	p.hidden = !key;
	p.className = key === 'contactSending' ? 'lead' : 'error';
	if (key) {
		announce(p.textContent);
		speech.speakText(p.textContent, true);
	}
}

// The daemon said no: what it refused, in words, where it belongs.
function refused(err, c) {
	const field = err.data && err.data.field;
	if (err.code === -32001) {
		show('notsetup');
		return;
	}
	if (err.code === -32602 && field === 'consent.contact') {
		// the daemon asks for the consent again: it is unticked, to be
		// given anew
		c.contact = false;
		document.getElementById('consent-contact').checked = false;
		showErrors([['consent', 'contactNeedConsent']]);
		return;
	}
	if (err.code === -32602 && (field === 'person.phone' || field === 'person.name')) {
		showErrors([[field === 'person.phone' ? 'phone' : 'name',
			field === 'person.phone' ? 'contactBadPhone' : 'contactBadName']]);
		return;
	}
	status(err.code === -32002 && field === 'job' ? 'contactJobGone' :
	    err.code === -32005 ? 'contactBusy' :
	    err.code === 'network' ? 'errNetwork' : 'errOther');
}

async function send(e) {
	e.preventDefault();
	const c = state.contact;
	if (!c || sending)
		return;
	status(null);
	const errs = check(c);
	showErrors(errs);
	if (errs.length)
		return;
	const params = {
		job: { id: c.job.id, employer_id: c.job.employer_id },
		person: { name: c.name.trim(), phone: halfWidth(c.phone).trim() },
		consent: { contact: c.contact, share_with_employer: c.share },
	};
	if (c.needs && state.needs.length)
		params.needs = state.needs.slice();
	if (app.fair)
		params.fair = app.fair.id;
	const gen = app.gen;
	sending = true;
	status('contactSending');
	try {
		await call('interest.record', params, signal());
	} catch (err) {
		sending = false;
		if (err.name !== 'AbortError' && gen === app.gen && app.screen === 'contact' && state.contact === c) {
			status(null);
			refused(err, c);
		}
		return;
	}
	sending = false;
	if (gen !== app.gen)
		return;
	// sent: the form is forgotten at once
	state.asked.set(c.key, { job: c.job, share: c.share, from: c.from });
	state.sent = c.key;
	if (state.contact === c)
		state.contact = null;
	if (app.screen === 'contact') {
		show('contactdone');
		announce(t('doneTitle'));
	}
}

function cancel() {
	const from = state.contact ? state.contact.from : 'results';
	state.contact = null;
	show(from);
}

function fact(key, value) {
	return h('div', { class: 'fact' }, h('dt', null, t(key)), h('dd', null, value));
}

function input(field, labelKey, hintKey, attrs) {
	const id = FIELDS[field];
	return h('div', { class: 'field' },
		h('label', { for: id, class: 'field-label' }, t(labelKey)),
		hintKey ? h('p', { class: 'hint', id: id + '-hint' }, t(hintKey)) : null,
		h('p', { class: 'error', id: id + '-err', hidden: true }),
		h('input', Object.assign({
			id, autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false',
			value: state.contact[field],
			'aria-describedby': hintKey ? id + '-hint' : null,
			on: { input: (e) => { if (state.contact) state.contact[field] = e.target.value; } },
		}, attrs)));
}

// One of the three choices: a check box in a tile, never ticked unless
// the person ticked it.
function choice(name, textKey, hint, required) {
	const id = 'consent-' + name;
	return h('label', { class: 'tile tile-consent', for: id },
		h('input', {
			type: 'checkbox', id, checked: state.contact[name] === true,
			'aria-required': required ? 'true' : null,
			'aria-describedby': id + '-hint',
			on: {
				change: (e) => {
					if (state.contact)
						state.contact[name] = e.target.checked;
					if (required && e.target.checked)
						setError('consent', null);
				},
			},
		}),
		h('span', { class: 'tile-text' },
			h('span', { class: 'tile-name' }, t(textKey)),
			h('span', { class: 'tile-hint', id: id + '-hint' }, hint)));
}

function needsText() {
	const accom = (app.vocab && app.vocab.accommodations) || [];
	return state.needs.map((id) => {
		const e = accom.find((a) => a.id === id);
		return e ? label(e, 'accommodations').text : id;
	}).join(t('listSep'));
}

register('contact', {
	title: 'contactTitle',
	step: 'results',
	render(root) {
		root.append(h('h2', { id: 'screen-title' }, t('contactTitle')));
		const c = state.contact;
		if (!c) {
			root.append(h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary',
				id: 'contact-cancel', on: { click: () => show('results') } }, t('homeBack'))));
			return;
		}
		const needs = state.needs.length > 0;
		root.append(
			h('dl', { class: 'facts lead' },
				fact('contactJob', say(c.job.title, 'zh-CN')),
				fact('resEmployer', say(c.job.employer_name || c.job.employer_id, 'zh-CN')),
				c.job.booth ? fact('boothLabel', c.job.booth) : null),
			h('p', { class: 'lead' }, t('contactIntro')),
			h('form', { id: 'contact-form', novalidate: true, autocomplete: 'off', on: { submit: send } },
				input('name', 'contactName', null, { type: 'text', maxlength: String(NAME_MAX) }),
				input('phone', 'contactPhone', 'contactPhoneHint',
					{ type: 'tel', inputmode: 'tel', maxlength: String(PHONE_MAX) }),
				h('div', { class: 'group kept' },
					h('h3', { id: 'kept-title' }, t('contactKeptTitle')),
					h('ul', { class: 'kept-list' },
						h('li', null, t('contactKeptWhat')),
						needs ? h('li', null, t('contactKeptNeeds')) : null,
						h('li', null, t('contactKeptWho')),
						h('li', null, t('contactKeptDays', { days: app.vocab.interest_retention_days })),
						h('li', null, t('contactKeptErase')),
						h('li', null, t('contactKeptScreen')))),
				h('fieldset', { id: 'consent', class: 'group', 'aria-describedby': 'consent-hint' },
					h('legend', null, t('contactConsent')),
					h('p', { class: 'hint', id: 'consent-hint' }, t('contactConsentHint')),
					h('p', { class: 'error', id: 'consent-contact-err', hidden: true }),
					h('div', { class: 'tiles tiles-wide' },
						choice('contact', 'consentContact', t('consentContactHint'), true),
						choice('share', 'consentShare', t('consentShareHint')),
						needs ? choice('needs', 'consentNeeds', t('consentNeedsHint', { needs: needsText() })) : null)),
				h('p', { id: 'contact-status', hidden: true }),
				h('div', { class: 'actions' },
					h('button', { type: 'submit', class: 'primary', id: 'contact-send' }, t('contactSend')),
					h('button', { type: 'button', class: 'secondary', id: 'contact-cancel', on: { click: cancel } },
						t('contactCancel')))));
	},
});

// Message key's text with its {title} as the posting's title, marked as
// Chinese.
function withTitle(key, title) {
	const [before, after] = t(key).split('{title}');
	return after === undefined ? before : [before, say(title, 'zh-CN'), after];
}

register('contactdone', {
	title: 'doneTitle',
	step: 'results',
	render(root) {
		const a = state.sent ? state.asked.get(state.sent) : null;
		const back = a && a.from === 'home' && state.chosen.size ? 'home' : 'results';
		root.append(h('h2', { id: 'screen-title' }, t('doneTitle')));
		if (a)
			root.append(
				h('p', { class: 'lead' }, withTitle('doneBody', a.job.title)),
				h('p', null, t(a.share ? 'doneShared' : 'doneNotShared')),
				h('p', null, t('doneCleared')),
				h('p', null, t('doneErase')));
		root.append(
			h('div', { class: 'actions' },
				h('button', { type: 'button', class: 'primary', id: 'done-back',
					on: { click: () => show(back) } }, t(back === 'home' ? 'takeGo' : 'homeBack')),
				back !== 'home' && state.chosen.size ? h('button', { type: 'button', class: 'secondary',
					id: 'done-home', on: { click: () => show('home') } }, t('takeGo')) : null));
	},
});

