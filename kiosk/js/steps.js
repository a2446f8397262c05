// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// The welcome screen and the questions: disability type and grade, town,
// needs and what the person does not want (skills are in skills.js). Each choice is a native radio button or
// check box inside a large labelled tile, so keyboards, screen readers and
// touch get what they expect; each is written to the state as it is made.

import { t, label, has } from './i18n.js';
import { h, say, announce } from './dom.js';
import { app, register, show } from './app.js';
import { state, missing } from './state.js';
import { fairWelcome } from './fair.js';

// The number of question steps (disability, town, skills, needs).
export const QUESTIONS = 4;

// The groups the needs screen shows the accommodations in; an id the
// daemon's vocabulary has and no group names goes under "other".
const NEED_GROUPS = [
	['access', ['step_free_access', 'elevator', 'accessible_toilet', 'accessible_parking',
		'accessible_transport', 'service_animal']],
	['seeing', ['screen_reader', 'screen_magnifier', 'braille', 'large_print']],
	['hearing', ['sign_language', 'captioning', 'hearing_loop', 'visual_alerts']],
	['work', ['adjustable_workstation', 'written_instructions', 'quiet_space', 'job_coach',
		'flexible_hours', 'remote_work']],
];

// The kinds of towns, in the order the town screen shows them.
const TOWN_KINDS = ['county', 'subdistrict', 'town', 'township'];

// A group of tiles, each a radio button or check box with its label (and
// an optional hint line). opts: {id, name, type, legend, hint, items:
// [{value, text, lang, hint}], checked(value), change(value, on), small}.
export function tiles(opts) {
	const hintId = opts.hint ? opts.id + '-hint' : null;
	const errId = opts.id + '-err';
	const list = h('div', { class: 'tiles' + (opts.small ? ' tiles-small' : '') });
	for (const it of opts.items) {
		const inputId = opts.id + '-' + it.value;
		const input = h('input', {
			type: opts.type,
			id: inputId,
			name: opts.name,
			value: String(it.value),
			checked: opts.checked(it.value),
			on: {
				change: (e) => {
					clearError(opts.id);
					opts.change(it.value, e.target.checked);
				},
			},
		});
		list.append(h('label', { class: 'tile', for: inputId },
			input,
			h('span', { class: 'tile-text' },
				h('span', { class: 'tile-name' }, say(it.text, it.lang)),
				it.hint ? h('span', { class: 'tile-hint' }, it.hint) : null)));
	}
	return h('fieldset', {
		id: opts.id,
		class: 'group',
		'aria-describedby': hintId,
	},
	h('legend', null, opts.legend),
	opts.hint ? h('p', { class: 'hint', id: hintId }, opts.hint) : null,
	h('p', { class: 'error', id: errId, hidden: true }),
	list);
}

// Shows message key as the error of tiles group id and moves focus to the
// group's first choice.
export function groupError(id, key) {
	const group = document.getElementById(id);
	const err = document.getElementById(id + '-err');
	err.textContent = t(key);
	err.hidden = false;
	const desc = (group.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
	if (!desc.includes(err.id))
		group.setAttribute('aria-describedby', desc.concat(err.id).join(' '));
	for (const input of group.querySelectorAll('input'))
		input.setAttribute('aria-invalid', 'true');
	// focus on the first choice, the question and its error in view
	group.querySelector('input').focus({ preventScroll: true });
	group.scrollIntoView({ block: 'start', behavior: 'instant' });
	announce(t(key));
}

// Takes back the error of tiles group id (or of the group it is in).
function clearError(id) {
	for (const err of document.querySelectorAll('.error[id$="-err"]:not([hidden])')) {
		const group = err.closest('fieldset');
		if (!group || !document.getElementById(id).closest('fieldset#' + group.id))
			continue;
		err.hidden = true;
		const rest = (group.getAttribute('aria-describedby') || '')
		    .split(' ').filter((d) => d && d !== err.id).join(' ');
		if (rest)
			group.setAttribute('aria-describedby', rest);
		else
			group.removeAttribute('aria-describedby');
		for (const input of group.querySelectorAll('input'))
			input.removeAttribute('aria-invalid');
	}
}

// The "Next" and "Back" buttons of a step.
export function actions(next, back, nextKey) {
	return h('div', { class: 'actions' },
		next ? h('button', { type: 'button', class: 'primary', id: 'next', on: { click: next } },
			t(nextKey || 'next')) : null,
		back ? h('button', { type: 'button', class: 'secondary', id: 'back', on: { click: back } },
			t('back')) : null);
}

// "Step n of 4" above a question's heading.
export function stepLine(n) {
	return h('p', { class: 'step-of' }, t('stepOf', { n, total: QUESTIONS }));
}

function vocabList(name) {
	return (app.vocab && app.vocab[name]) || [];
}

register('welcome', {
	title: 'welcomeTitle',
	render(root) {
		root.append(h('h2', { id: 'screen-title' }, t('welcomeTitle')));
		if (app.fair)
			root.append(fairWelcome());
		root.append(
			h('p', { class: 'lead' }, t('welcomeIntro')),
			h('p', null, t('welcomeVoice')),
			h('p', null, t('welcomePrivacy')),
			h('div', { class: 'actions' },
				h('button', { type: 'button', class: 'primary big', id: 'start',
					on: { click: () => show('disability') } }, t('welcomeStart'))));
	},
});

register('disability', {
	title: 'disTitle',
	nav: 'navDis',
	step: true,
	render(root) {
		const types = vocabList('disability_types').map((d) => {
			const l = label(d, 'disability_types');
			const hk = 'dis.' + d.id;
			return { value: d.id, text: l.text, lang: l.lang, hint: has(hk) ? t(hk) : null };
		});
		const grades = vocabList('grades').map((g) => {
			const l = label(g, 'grades');
			return { value: g.id, text: l.text, lang: l.lang };
		});
		root.append(
			stepLine(1),
			h('h2', { id: 'screen-title' }, t('disTitle')),
			h('p', { class: 'lead' }, t('disIntro')),
			tiles({
				id: 'type', name: 'type', type: 'radio', legend: t('disType'), items: types,
				checked: (v) => state.type === v,
				change: (v) => { state.type = v; },
			}),
			tiles({
				id: 'grade', name: 'grade', type: 'radio', legend: t('disGrade'),
				hint: t('disGradeHint'), items: grades, small: true,
				checked: (v) => state.grade === Number(v),
				change: (v) => { state.grade = Number(v); },
			}),
			actions(() => {
				if (!state.type)
					return groupError('type', 'disNeedType');
				if (!state.grade)
					return groupError('grade', 'disNeedGrade');
				show('town');
			}, () => show('welcome')));
	},
});

register('town', {
	title: 'townTitle',
	nav: 'navTown',
	step: true,
	render(root) {
		const towns = vocabList('towns');
		const kinds = TOWN_KINDS.concat(
			[...new Set(towns.map((tw) => tw.kind))].filter((k) => !TOWN_KINDS.includes(k)));
		const outer = h('fieldset', { id: 'town', class: 'group' },
			h('legend', null, t('townLegend')),
			h('p', { class: 'error', id: 'town-err', hidden: true }));
		for (const kind of kinds) {
			const items = towns.filter((tw) => tw.kind === kind).map((tw) => {
				const l = label(tw, 'towns');
				return { value: tw.code, text: l.text, lang: l.lang };
			});
			if (!items.length)
				continue;
			const sub = tiles({
				id: 'town-' + kind, name: 'town', type: 'radio',
				legend: t(TOWN_KINDS.includes(kind) ? 'kind.' + kind : 'kind.other'),
				items, small: true,
				checked: (v) => state.town === v,
				change: (v) => { state.town = v; },
			});
			sub.classList.add('subgroup');
			outer.append(sub);
		}
		root.append(
			stepLine(2),
			h('h2', { id: 'screen-title' }, t('townTitle')),
			h('p', { class: 'lead' }, t('townIntro')),
			outer,
			actions(() => {
				if (!state.town)
					return groupError('town', 'townNeed');
				show('skills');
			}, () => show('disability')));
	},
});

register('needs', {
	title: 'needsTitle',
	nav: 'navNeeds',
	step: true,
	render(root) {
		const accom = vocabList('accommodations');
		const grouped = new Set(NEED_GROUPS.flatMap((g) => g[1]));
		const groups = NEED_GROUPS.concat([['other', accom.map((a) => a.id).filter((id) => !grouped.has(id))]]);
		const parts = [];
		for (const [name, ids] of groups) {
			const items = ids.map((id) => accom.find((a) => a.id === id)).filter(Boolean).map((a) => {
				const l = label(a, 'accommodations');
				return { value: a.id, text: l.text, lang: l.lang };
			});
			if (!items.length)
				continue;
			parts.push(tiles({
				id: 'needs-' + name, name: 'needs', type: 'checkbox',
				legend: t('group.' + name), items, small: true,
				checked: (v) => state.needs.includes(v),
				change: (v, on) => {
					const set = new Set(state.needs);
					if (on)
						set.add(v);
					else
						set.delete(v);
					// in the vocabulary's order, as the daemon keeps them
					state.needs = accom.map((a) => a.id).filter((id) => set.has(id));
				},
			}));
		}
		// What the person chooses not to be offered: a choice of their
		// own, not help at work, in a group of its own after the help,
		// never ticked for them.
		const avoid = vocabList('avoid');
		const avoidItems = avoid.map((a) => {
			const l = label(a, 'avoid');
			return { value: a.id, text: l.text, lang: l.lang };
		});
		root.append(
			stepLine(4),
			h('h2', { id: 'screen-title' }, t('needsTitle')),
			h('p', { class: 'lead' }, t('needsIntro')),
			...parts,
			avoidItems.length ? tiles({
				id: 'avoid', name: 'avoid', type: 'checkbox',
				legend: t('avoidLegend'), hint: t('avoidIntro'),
				items: avoidItems, small: true,
				checked: (v) => state.avoid.includes(v),
				change: (v, on) => {
					const set = new Set(state.avoid);
					if (on)
						set.add(v);
					else
						set.delete(v);
					state.avoid = avoid.map((a) => a.id).filter((id) => set.has(id));
				},
			}) : null,
			actions(() => show('results'), () => show('skills'), 'needsFind'));
	},
});

// The steps still to answer before a match, as buttons that go there.
export function missingList() {
	const where = { disNeedType: 'disability', disNeedGrade: 'disability', townNeed: 'town' };
	return h('ul', { class: 'missing' }, missing().map((key) =>
		h('li', null, h('button', { type: 'button', class: 'secondary',
			on: { click: () => show(where[key]) } }, t(key)))));
}
