// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// The skills step: the most common skills of open postings as toggle
// buttons, a text box that suggests skills as the person types (an ARIA
// 1.2 combobox over skills.suggest), and the chosen skills, each with a
// button that removes it. Skills are optional.

import { t } from './i18n.js';
import { h, announce, focusEl } from './dom.js';
import { app, register, show, signal } from './app.js';
import { state, SKILLS_MAX } from './state.js';
import { call } from './rpc.js';
import { actions, stepLine } from './steps.js';

// How many common skills the screen offers, and suggestions it lists.
const COMMON_N = 12;
const SUGGEST_N = 8;
// A skill's most characters (the daemon's limit).
const SKILL_CHARS = 64;

let common = null;		// [{skill, postings}] of skills.suggest ""
let suggestions = [];		// what the list shows
let active = -1;		// the option the arrow keys are on
let asked = 0;			// the last suggestion request, by number
let debounce = null;

// Forgets what the screen holds (the reset); the common skills are the
// daemon's and are kept.
export function clearSkills() {
	suggestions = [];
	active = -1;
	asked++;
	clearTimeout(debounce);
}

// A suggestion's words: the form postings list it in, when the daemon
// gives one (text), else the skill as the daemon knows it.
function words(s) {
	return s.text || s.skill;
}

function addSkill(text) {
	const skill = text.trim().slice(0, SKILL_CHARS);
	if (!skill)
		return false;
	if (state.skills.includes(skill)) {
		announce(t('skillsAdded', { skill, n: state.skills.length }));
		return true;
	}
	if (state.skills.length >= SKILLS_MAX) {
		announce(t('skillsTooMany', { n: SKILLS_MAX }));
		return false;
	}
	state.skills.push(skill);
	announce(t('skillsAdded', { skill, n: state.skills.length }));
	return true;
}

function removeSkill(skill) {
	state.skills = state.skills.filter((s) => s !== skill);
	announce(t('skillsRemoved', { skill, n: state.skills.length }));
}

function renderCommon() {
	const box = document.getElementById('skills-common');
	if (!box)
		return;
	const list = common || [];
	box.replaceChildren(...list.map((c) => words(c)).map((skill) => h('li', null,
		h('button', {
			type: 'button',
			class: 'toggle',
			'aria-pressed': state.skills.includes(skill) ? 'true' : 'false',
			on: {
				click: (e) => {
					if (state.skills.includes(skill))
						removeSkill(skill);
					else
						addSkill(skill);
					e.currentTarget.setAttribute('aria-pressed',
					    state.skills.includes(skill) ? 'true' : 'false');
					renderChosen();
				},
			},
		}, skill))));
	document.getElementById('skills-common-group').hidden = list.length === 0;
}

function renderChosen() {
	const ul = document.getElementById('skills-chosen');
	if (!ul)
		return;
	const none = document.getElementById('skills-none');
	none.hidden = state.skills.length > 0;
	ul.replaceChildren(...state.skills.map((skill, i) => h('li', { class: 'chip' },
		h('span', { class: 'chip-text' }, skill),
		h('button', {
			type: 'button',
			class: 'secondary chip-remove',
			id: 'skill-remove-' + i,
			'aria-label': t('skillsRemove', { skill }),
			on: {
				click: () => {
					removeSkill(skill);
					renderChosen();
					syncCommon();
					const next = document.getElementById('skill-remove-' + i) ||
					    document.getElementById('skill-remove-' + (i - 1));
					focusEl(next || document.getElementById('skill-input'));
				},
			},
		}, t('remove')))));
}

function syncCommon() {
	for (const b of document.querySelectorAll('#skills-common button'))
		b.setAttribute('aria-pressed', state.skills.includes(b.textContent) ? 'true' : 'false');
}

function renderList() {
	const input = document.getElementById('skill-input');
	const ul = document.getElementById('skill-list');
	if (!input || !ul)
		return;
	const open = suggestions.length > 0 && input.value.trim() !== '';
	ul.replaceChildren(...suggestions.map((s, i) => h('li', {
		role: 'option',
		id: 'skill-opt-' + i,
		class: 'option' + (i === active ? ' option-active' : ''),
		'aria-selected': i === active ? 'true' : 'false',
		on: {
			// keep focus in the box; the click adds the skill
			mousedown: (e) => e.preventDefault(),
			click: () => pick(i),
		},
	}, h('span', { class: 'option-text' }, words(s)),
	h('span', { class: 'option-hint' }, t('skillsJobs', { n: s.postings })))));
	ul.hidden = !open;
	input.setAttribute('aria-expanded', open ? 'true' : 'false');
	if (open && active >= 0)
		input.setAttribute('aria-activedescendant', 'skill-opt-' + active);
	else
		input.removeAttribute('aria-activedescendant');
}

function pick(i) {
	const s = suggestions[i];
	if (!s)
		return;
	if (addSkill(words(s))) {
		const input = document.getElementById('skill-input');
		input.value = '';
		state.skillText = '';
		suggestions = [];
		active = -1;
		renderList();
		renderChosen();
		syncCommon();
		input.focus();
	}
}

function closeList() {
	suggestions = [];
	active = -1;
	renderList();
}

async function suggest(text) {
	const n = ++asked;
	const gen = app.gen;
	let r;
	try {
		r = await call('skills.suggest', { text, limit: SUGGEST_N }, signal());
	} catch (e) {
		return;		// no suggestions: typing and "add" still work
	}
	if (n !== asked || gen !== app.gen || app.screen !== 'skills')
		return;
	const input = document.getElementById('skill-input');
	if (!input || input.value.trim() !== text)
		return;
	suggestions = (r.skills || []).filter((s) => !state.skills.includes(words(s)));
	active = -1;
	renderList();
	announce(suggestions.length ? t('skillsSuggestCount', { n: suggestions.length }) : t('skillsNoSuggest'));
}

async function loadCommon() {
	const gen = app.gen;
	try {
		const r = await call('skills.suggest', { text: '', limit: COMMON_N }, signal());
		if (gen !== app.gen)
			return;
		common = r.skills || [];
	} catch (e) {
		return;
	}
	if (app.screen === 'skills')
		renderCommon();
}

function onKey(e) {
	if (e.isComposing || e.keyCode === 229)
		return;		// the input method's keys
	const input = e.currentTarget;
	switch (e.key) {
	case 'ArrowDown':
	case 'ArrowUp':
		if (!suggestions.length)
			return;
		e.preventDefault();
		active = e.key === 'ArrowDown' ?
		    (active + 1) % suggestions.length :
		    (active <= 0 ? suggestions.length : active) - 1;
		renderList();
		announce(words(suggestions[active]));
		break;
	case 'Enter':
		e.preventDefault();
		if (active >= 0)
			pick(active);
		else if (addSkill(input.value)) {
			input.value = '';
			state.skillText = '';
			closeList();
			renderChosen();
			syncCommon();
		}
		break;
	case 'Escape':
		if (!document.getElementById('skill-list').hidden) {
			e.preventDefault();
			e.stopPropagation();
			closeList();
		}
		break;
	default:
		break;
	}
}

function onInput(e) {
	state.skillText = e.target.value;
	const text = e.target.value.trim();
	clearTimeout(debounce);
	if (!text) {
		asked++;
		closeList();
		return;
	}
	debounce = setTimeout(() => suggest(text), 200);
}

register('skills', {
	title: 'skillsTitle',
	nav: 'navSkills',
	step: true,
	render(root) {
		suggestions = [];
		active = -1;
		const input = h('input', {
			type: 'text',
			id: 'skill-input',
			role: 'combobox',
			'aria-autocomplete': 'list',
			'aria-expanded': 'false',
			'aria-controls': 'skill-list',
			'aria-describedby': 'skill-input-hint',
			autocomplete: 'off',
			autocapitalize: 'off',
			spellcheck: 'false',
			maxlength: String(SKILL_CHARS),
			value: state.skillText,
			on: { keydown: onKey, input: onInput, blur: () => setTimeout(closeIfBlurred, 150) },
		});
		root.append(
			stepLine(3),
			h('h2', { id: 'screen-title' }, t('skillsTitle')),
			h('p', { class: 'lead' }, t('skillsIntro')),
			h('section', { id: 'skills-common-group', class: 'group', 'aria-labelledby': 'skills-common-title', hidden: true },
				h('h3', { id: 'skills-common-title' }, t('skillsCommon')),
				h('p', { class: 'hint' }, t('skillsCommonHint')),
				h('ul', { id: 'skills-common', class: 'toggles' })),
			h('div', { class: 'group combo' },
				h('label', { for: 'skill-input', class: 'field-label' }, t('skillsInput')),
				h('p', { class: 'hint', id: 'skill-input-hint' }, t('skillsInputHint')),
				h('div', { class: 'combo-row' },
					input,
					h('button', { type: 'button', class: 'secondary', id: 'skill-add',
						on: {
							click: () => {
								if (addSkill(input.value)) {
									input.value = '';
									state.skillText = '';
									closeList();
									renderChosen();
									syncCommon();
								}
								input.focus();
							},
						} }, t('skillsAdd'))),
				h('ul', { id: 'skill-list', role: 'listbox', 'aria-label': t('skillsSuggestions'), hidden: true })),
			h('section', { class: 'group', 'aria-labelledby': 'skills-chosen-title' },
				h('h3', { id: 'skills-chosen-title' }, t('skillsChosen')),
				h('p', { id: 'skills-none' }, t('skillsNone')),
				h('ul', { id: 'skills-chosen', class: 'chips' })),
			actions(() => show('needs'), () => show('town')));
		renderCommon();
		renderChosen();
	},
	after() {
		if (common === null)
			loadCommon();
	},
});

function closeIfBlurred() {
	if (document.activeElement !== document.getElementById('skill-input'))
		closeList();
}
