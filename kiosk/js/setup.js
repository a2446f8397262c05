// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// The screens outside a person's search: the operator's setup (the kiosk
// token, checked with hello, kept in localStorage and refused when it is
// not a kiosk's; the idle time; the job fair a token is bound to named),
// "not set up" (with the fair the token names when nobody registered
// it), "cannot reach the server" and the wait while the kiosk starts.

import { t } from './i18n.js';
import { h, announce, focusEl } from './dom.js';
import { app, register } from './app.js';
import { call, token, setToken, idleSeconds, setIdleSeconds, IDLE_MIN_S, IDLE_MAX_S } from './rpc.js';

let onReady = () => {};
let bootError = null;

// fn() starts the kiosk again (main.js's boot), once the setup is done
// or the person asks to try again.
export function setupHooks(fn) {
	onReady = fn;
}

// The error the 'offline' screen explains: an RpcError.
export function setBootError(e) {
	bootError = e;
}

function status(key, params, bad) {
	const p = document.getElementById('setup-status');
	p.textContent = t(key, params);
	p.className = bad ? 'error' : 'ok';
	announce(p.textContent);
}

async function save(e) {
	e.preventDefault();
	const field = document.getElementById('setup-token');
	const idle = document.getElementById('setup-idle');
	const n = Number(idle.value);
	if (!Number.isInteger(n) || n < IDLE_MIN_S || n > IDLE_MAX_S) {
		idle.setAttribute('aria-invalid', 'true');
		status('setupIdleBad', null, true);
		focusEl(idle);
		return;
	}
	idle.removeAttribute('aria-invalid');
	if (n !== idleSeconds())
		setIdleSeconds(n);
	const typed = field.value.trim();
	if (!typed && !token()) {
		field.setAttribute('aria-invalid', 'true');
		status('setupEmpty', null, true);
		focusEl(field);
		return;
	}
	if (typed)
		setToken(typed);
	field.value = '';
	let fair = null;
	try {
		const r = await call('hello', {});
		fair = r.fair || null;
		if (r.role !== 'kiosk') {
			setToken(null);
			status(r.role === 'anonymous' ? 'setupBad' : 'setupStaff', { role: r.role }, true);
			return;
		}
	} catch (err) {
		if (err.code === -32001) {
			setToken(null);
			status('setupBad', null, true);
		} else {
			status(err.code === 'network' ? 'errNetwork' : 'errOther', null, true);
		}
		return;
	}
	field.removeAttribute('aria-invalid');
	if (fair)
		status('setupOkFair', { id: fair }, false);
	else
		status('setupOk', null, false);
}

register('setup', {
	title: 'setupTitle',
	render(root) {
		root.append(
			h('h2', { id: 'screen-title' }, t('setupTitle')),
			h('p', { class: 'lead' }, t('setupIntro')),
			h('form', { id: 'setup-form', class: 'group', novalidate: true, on: { submit: save } },
				h('div', { class: 'field' },
					h('label', { for: 'setup-token', class: 'field-label' }, t('setupToken')),
					h('input', { type: 'password', id: 'setup-token', autocomplete: 'off',
						spellcheck: 'false', autocapitalize: 'off' })),
				h('div', { class: 'field' },
					h('label', { for: 'setup-idle', class: 'field-label' }, t('setupIdle')),
					h('input', { type: 'number', id: 'setup-idle', min: String(IDLE_MIN_S),
						max: String(IDLE_MAX_S), step: '1', inputmode: 'numeric',
						value: String(idleSeconds()) })),
				h('p', { id: 'setup-status' }),
				h('div', { class: 'actions' },
					h('button', { type: 'submit', class: 'primary', id: 'setup-save' }, t('setupSave')),
					h('button', { type: 'button', class: 'secondary', id: 'setup-clear',
						on: { click: () => { setToken(null); status('setupCleared', null, false); } } },
					t('setupClear')),
					h('button', { type: 'button', class: 'secondary', id: 'setup-done',
						on: { click: () => onReady() } }, t('setupDone')))));
	},
});

register('notsetup', {
	title: 'notSetUp',
	render(root) {
		root.append(h('h2', { id: 'screen-title' }, t('notSetUp')));
		if (app.fairMissing)
			root.append(h('p', { class: 'hint' }, t('notSetUpFair', { id: app.fairMissing })));
		root.append(h('p', { class: 'hint' }, t('notSetUpStaff')));
	},
});

register('offline', {
	title: 'errOther',
	render(root) {
		const e = bootError || {};
		const key = e.code === 'network' ? 'errNetwork' :
		    (e.code === -32004 && e.data && e.data.reason === 'loading') ? 'errLoading' : 'errOther';
		root.append(
			h('h2', { id: 'screen-title' }, t(key)),
			h('div', { class: 'actions' },
				h('button', { type: 'button', class: 'primary', id: 'retry', on: { click: () => onReady() } },
					t('retry'))));
	},
});

register('loading', {
	title: 'loading',
	render(root) {
		root.append(h('h2', { id: 'screen-title' }, t('loading')));
	},
});
