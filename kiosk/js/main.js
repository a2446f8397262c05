// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// The kiosk page: starts it (the token, hello, vocab), wires the settings
// bar of every screen (language, large text, high contrast, easy read,
// reading aloud, start over), the keys (F2: reading aloud; Escape: stop
// reading; Ctrl+Alt+Shift+K: the operator's setup), the idle timer and
// the reset that leaves nothing of a person behind.

import { t, lang, tag } from './i18n.js';
import { h, say, clearLive, focusEl } from './dom.js';
import { app, show, rerender, onShow } from './app.js';
import { state, clearState, pristine } from './state.js';
import { call, token } from './rpc.js';
import * as speech from './speech.js';
import { initIdle, arm, stopIdle, keep } from './idle.js';
import { clearSkills } from './skills.js';
import { setupHooks, setBootError } from './setup.js';
import './steps.js';
import './results.js';
import './home.js';
import './contact.js';
import { openFloor, clearFloor } from './fair.js';

const html = document.documentElement;
const $ = (id) => document.getElementById(id);

// Screens that hold nothing of a person and need no idle reset.
const CALM = new Set(['loading', 'notsetup', 'offline']);

// The footer's word on privacy: on the form that asks for a name and
// phone, when those leave the kiosk; once sent, who keeps them.
function privacyKey() {
	if (app.screen === 'contact')
		return 'footerContact';
	return state.asked.size ? 'footerSent' : 'footerPrivacy';
}

// At a job fair: its name in the header and the floor list's button in
// the settings bar; at a plain kiosk, neither, nor on the screens of a
// kiosk that is not serving (not set up, offline, its setup).
function fairChrome() {
	const line = $('fair-line');
	const f = CALM.has(app.screen) || app.screen === 'setup' ? null : app.fair;
	line.hidden = !f;
	$('btn-floor').hidden = !f;
	if (!f) {
		line.replaceChildren();
		return;
	}
	line.replaceChildren(h('span', { class: 'fair-label' }, t('fairLabel') + t('colon')), say(f.name, 'zh-CN'));
	$('btn-floor').textContent = t('floor');
}

// The texts of what stays on every screen.
function chrome() {
	html.lang = tag();
	$('app-title').textContent = t('appName');
	$('skip').textContent = t('skip');
	$('tools').setAttribute('aria-label', t('toolsLabel'));
	const other = lang.code === 'zh' ? 'en' : 'zh';
	$('btn-lang').textContent = t('langSwitch');
	$('btn-lang').lang = other === 'en' ? 'en' : 'zh-CN';
	$('btn-large').textContent = t('large');
	$('btn-contrast').textContent = t('contrast');
	$('btn-easy').textContent = t('easy');
	$('btn-voice').textContent = t('voice');
	$('btn-reset').textContent = t('startOver');
	fairChrome();
	$('btn-large').setAttribute('aria-pressed', String(html.classList.contains('large')));
	$('btn-contrast').setAttribute('aria-pressed', String(html.classList.contains('contrast')));
	$('btn-easy').setAttribute('aria-pressed', String(lang.easy));
	$('btn-voice').setAttribute('aria-pressed', String(speech.isOn()));
	$('footer-privacy').textContent = t(privacyKey());
	$('footer-keys').textContent = t('footerKeys');
	$('idle-title').textContent = t('idleTitle');
	$('idle-keep').textContent = t('idleKeep');
	$('idle-reset').textContent = t('idleReset');
	$('reset-title').textContent = t('resetTitle');
	$('reset-body').textContent = t('resetBody');
	$('reset-yes').textContent = t('resetYes');
	$('reset-no').textContent = t('resetNo');
}

// After a change of language or wording: every text again, focus kept.
function relabel() {
	chrome();
	rerender();
	speech.stop();
	speech.readElement($('screen'));
}

function toggleClass(name, button) {
	const on = html.classList.toggle(name);
	$(button).setAttribute('aria-pressed', String(on));
	arm();
}

function toggleVoice() {
	if (!speech.supported()) {
		speech.stop();
		return;
	}
	speech.setOn(!speech.isOn());
	$('btn-voice').setAttribute('aria-pressed', String(speech.isOn()));
	if (speech.isOn())
		speech.readElement($('screen'), true);
	arm();
}

function idleActive() {
	return !CALM.has(app.screen) && (!pristine() || app.screen !== 'welcome' ||
	    lang.code !== 'zh' || lang.easy || speech.isOn() ||
	    html.classList.contains('large') || html.classList.contains('contrast'));
}

// Forgets everything of the person: the profile and choices, the screens
// built from them, the live region, what is being read, the QR code, the
// settings they chose; answers still on their way are dropped. Storage
// holds nothing of a person (only the kiosk's token and idle time), the
// address and the history were never changed: both are checked anyway.
export function resetAll() {
	app.gen++;
	app.aborter.abort();
	app.aborter = new AbortController();
	stopIdle();
	if ($('reset-dialog').open)
		$('reset-dialog').close();
	speech.setOn(false);
	clearState();
	clearSkills();
	clearFloor();
	clearLive();
	$('screen').replaceChildren();
	lang.code = 'zh';
	lang.easy = false;
	html.classList.remove('large', 'contrast');
	try {
		sessionStorage.clear();
	} catch (e) {
		// storage turned off: nothing in it
	}
	if (location.search || location.hash)
		history.replaceState(null, '', location.pathname);
	chrome();
	if (app.vocab)
		show('welcome');
	else
		boot();
}

// Starts the kiosk: the setup when it has no token; otherwise checks the
// token (hello) and reads the vocabulary, then the welcome screen.
async function boot() {
	const gen = app.gen;
	if (!token()) {
		show('setup');
		return;
	}
	show('loading');
	app.fair = null;
	app.fairMissing = null;
	let hello = null;
	try {
		hello = await call('hello', {});
		if (gen !== app.gen)
			return;
		if (hello.role !== 'kiosk') {
			show('notsetup');
			return;
		}
		app.vocab = await call('vocab', {});
		if (hello.fair)
			app.fair = await call('fair.get', { id: hello.fair });
	} catch (e) {
		if (gen !== app.gen)
			return;
		app.vocab = null;
		if (e.code === -32001) {
			show('notsetup');
		} else if (e.code === -32002 && hello && hello.fair) {
			// bound to a fair nobody registered: the operator's to fix
			app.fairMissing = hello.fair;
			show('notsetup');
		} else {
			setBootError(e);
			show('offline');
		}
		return;
	}
	if (gen === app.gen)
		show('welcome');
}

let hinted = false;

function onKey(e) {
	if (e.key === 'F2') {
		e.preventDefault();
		toggleVoice();
		return;
	}
	if (e.ctrlKey && e.altKey && e.shiftKey && e.code === 'KeyK') {
		e.preventDefault();
		show('setup');
		return;
	}
	if (e.key === 'Escape' && speech.speaking() && !$('idle-dialog').open && !$('reset-dialog').open) {
		speech.stop();
		return;
	}
	// The first key on the welcome screen, with reading aloud off, says
	// once how to turn it on: a blind person's first touch is a key.
	if (!hinted && !speech.isOn() && app.screen === 'welcome' && speech.supported() &&
	    !e.ctrlKey && !e.altKey && !e.metaKey) {
		hinted = true;
		const u = new SpeechSynthesisUtterance(t('voiceHint'));
		u.lang = tag();
		window.speechSynthesis.speak(u);
	}
}

function init() {
	chrome();
	$('skip').addEventListener('click', () => focusEl($('screen').querySelector('h2')));
	$('btn-lang').addEventListener('click', () => {
		lang.code = lang.code === 'zh' ? 'en' : 'zh';
		relabel();
		arm();
	});
	$('btn-large').addEventListener('click', () => toggleClass('large', 'btn-large'));
	$('btn-contrast').addEventListener('click', () => toggleClass('contrast', 'btn-contrast'));
	$('btn-easy').addEventListener('click', () => {
		lang.easy = !lang.easy;
		relabel();
		arm();
	});
	$('btn-voice').addEventListener('click', toggleVoice);
	$('btn-floor').addEventListener('click', () => {
		openFloor();
		arm();
	});
	$('btn-reset').addEventListener('click', () => {
		if (pristine() && app.screen === 'welcome') {
			resetAll();
			return;
		}
		$('reset-dialog').showModal();
		speech.readElement($('reset-dialog'));
	});
	$('reset-yes').addEventListener('click', () => resetAll());
	$('reset-no').addEventListener('click', () => $('reset-dialog').close());
	$('idle-keep').addEventListener('click', () => keep());
	$('idle-reset').addEventListener('click', () => resetAll());
	document.addEventListener('keydown', onKey);
	document.addEventListener('focusin', (e) => speech.readFocus(e.target));
	// a choice just made is read with its new state
	document.addEventListener('change', (e) => {
		if (e.target.matches('input[type="radio"], input[type="checkbox"]'))
			speech.readFocus(e.target);
	});
	onShow((id, opts) => {
		$('footer-privacy').textContent = t(privacyKey());
		fairChrome();
		if (!opts.again)
			speech.readElement($('screen'));
		arm();
	});
	initIdle({ active: idleActive, reset: resetAll, dialog: $('idle-dialog'), body: $('idle-body') });
	// the setup's "done" and "try again": a fresh start, whatever the
	// screen the setup was opened over held
	setupHooks(() => {
		app.vocab = null;
		resetAll();
	});
	boot();
}

init();

