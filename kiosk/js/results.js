// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// The results: a match for the profile (asked again only when the
// profile changed), each posting with its title, employer, town and
// distance, pay, kind of job, the help it offers, the reasons in plain
// words built from `explain`, the county plan's priorities that raised
// it, named in words (explain.labels), at a job fair the employer's
// booth (fair.js), and how to apply (apply.js). The
// person picks up to TAKE_MAX postings to take home, and may ask to be
// contacted about one (contact.js).

import { t, label, lang } from './i18n.js';
import { h, say, announce, focusEl } from './dom.js';
import { app, register, show, signal } from './app.js';
import { state, missing, profile, jobKey, TAKE_MAX } from './state.js';
import { call } from './rpc.js';
import { missingList } from './steps.js';
import { applyBlock } from './apply.js';
import { askButton } from './contact.js';
import { boothTag } from './fair.js';
import * as speech from './speech.js';

// Postings a page of results shows.
const PAGE = 10;

function find(list, id) {
	return ((app.vocab && app.vocab[list]) || []).find((e) => e.id === id || e.code === id);
}

// A vocabulary label as a node (marked with its language when it is not
// the page's), or the id itself when the vocabulary lacks it.
function vocabNode(list, id) {
	const e = find(list, id);
	if (!e)
		return id;
	const l = label(e, list);
	return say(l.text, l.lang);
}

function vocabText(list, id) {
	const e = find(list, id);
	return e ? label(e, list).text : id;
}

function km(d) {
	return d < 10 ? Math.round(d * 10) / 10 : Math.round(d);
}

function placeText(r) {
	if (r.job.remote)
		return t('resRemote');
	if (typeof r.distance_km !== 'number')
		return null;
	return r.distance_km < 1 ? t('resNear') : t('resDistance', { km: km(r.distance_km) });
}

function payText(s) {
	if (!s || (s.min == null && s.max == null))
		return t('resPayNone');
	if (s.min != null && s.max != null && s.min !== s.max)
		return t('resPayRange', { min: s.min, max: s.max });
	if (s.min != null && s.max != null)
		return t('resPayMin', { min: s.min });
	return s.min != null ? t('resPayMin', { min: s.min }) : t('resPayMax', { max: s.max });
}

// The reasons: "matches 3 of your 4 skills · 2 km away · has step-free
// access".
export function reasons(r) {
	const e = r.explain || {};
	const parts = [];
	if (typeof e.wanted_skills === 'number' && e.wanted_skills > 0)
		parts.push(t('whySkills', {
			matched: Array.isArray(e.matched_skills) ? e.matched_skills.length : 0,
			wanted: e.wanted_skills,
		}));
	if (r.job.remote)
		parts.push(t('whyRemote'));
	else if (typeof r.distance_km === 'number')
		parts.push(r.distance_km < 1 ? t('whyNear') : t('whyDistance', { km: km(r.distance_km) }));
	for (const need of e.needs_met || [])
		parts.push(t('whyNeed', { need: vocabText('accommodations', need) }));
	return parts.join(t('whySep'));
}

// The plan's priorities that raised the posting, in words (a label with
// a boost above 0; one from an older daemon, without boost, counts).
export function priorities(r) {
	const labels = (r.explain && r.explain.labels) || [];
	return labels.filter((l) => !(l.boost < 0))
		.map((l) => l[lang.code] || l.zh).filter(Boolean);
}

// Why the posting comes lower than it would: the labels of the rules with
// a negative boost that fired (telephone posts for deaf people, ...).
export function lowerings(r) {
	const labels = (r.explain && r.explain.labels) || [];
	return labels.filter((l) => l.boost < 0)
		.map((l) => l[lang.code] || l.zh).filter(Boolean);
}

function fact(key, value) {
	if (value === null || value === undefined)
		return null;
	return h('div', { class: 'fact' }, h('dt', null, t(key)), h('dd', null, value));
}

function takeBar(where) {
	return h('div', { class: 'takebar' },
		h('p', { class: 'take-count', id: 'take-count-' + where }, t('takeCount', { n: state.chosen.size })),
		h('button', { type: 'button', class: 'primary', id: 'take-go-' + where,
			on: { click: goHome } }, t('takeGo')));
}

function updateBars(text) {
	for (const p of document.querySelectorAll('.take-count'))
		p.textContent = text || t('takeCount', { n: state.chosen.size });
}

function goHome() {
	if (state.chosen.size === 0) {
		updateBars(t('takeFirst'));
		announce(t('takeFirst'));
		speech.speakText(t('takeFirst'));
		return;
	}
	show('home');
}

function onTake(e, r) {
	const key = jobKey(r.job);
	if (e.target.checked) {
		if (state.chosen.size >= TAKE_MAX) {
			e.target.checked = false;
			updateBars(t('takeMax'));
			announce(t('takeMax'));
			speech.speakText(t('takeMax'));
			return;
		}
		state.chosen.set(key, r.job);
		announce(t('takeAdded', { n: state.chosen.size }));
	} else {
		state.chosen.delete(key);
		announce(t('takeRemoved', { n: state.chosen.size }));
	}
	updateBars();
}

function resultItem(r, i) {
	const job = r.job;
	const titleId = 'job-' + i + '-title';
	const why = reasons(r);
	const prio = priorities(r);
	const lower = lowerings(r);
	const needs = new Set(state.needs);
	return h('li', null, h('article', { class: 'job', 'aria-labelledby': titleId },
		h('h3', { id: titleId, tabindex: '-1' },
			h('span', { class: 'rank' }, t('resRank', { n: i + 1 }) + ' '),
			h('span', { class: 'job-title', lang: 'zh-CN' }, job.title),
			job.booth ? ' ' : null, boothTag(job)),
		h('dl', { class: 'facts' },
			fact('resEmployer', say(job.employer_name || job.employer_id, 'zh-CN')),
			fact('resPlace', [vocabNode('towns', job.town), placeText(r) ? ' · ' + placeText(r) : '']),
			fact('resPay', payText(job.salary)),
			fact('resType', job.employment_type ? vocabNode('employment_types', job.employment_type) : null),
			fact('resAccom', (job.accommodations || []).length ?
			    h('ul', { class: 'accom' }, job.accommodations.map((a) =>
				    h('li', { class: needs.has(a) ? 'met' : null },
					    vocabNode('accommodations', a),
					    needs.has(a) ? t('resNeedMet') : null))) : null)),
		why ? h('p', { class: 'why' }, h('strong', null, t('resWhy') + t('colon')), why) : null,
		prio.length ? h('p', { class: 'prio' }, h('strong', null, t('resPolicy') + t('colon')),
			prio.join(t('listSep'))) : null,
		lower.length ? h('p', { class: 'lower' }, h('strong', null, t('resLower') + t('colon')),
			lower.join(t('listSep'))) : null,
		applyBlock(job, 'job-' + i),
		h('div', { class: 'job-actions' },
			h('div', { class: 'take' },
				h('input', { type: 'checkbox', id: 'take-' + i, checked: state.chosen.has(jobKey(job)),
					on: { change: (e) => onTake(e, r) } }),
				h('label', { for: 'take-' + i }, t('take'))),
			askButton(job, 'ask-' + i, 'results'))));
}

function renderResults(box, firstNew) {
	const res = state.results;
	box.removeAttribute('aria-busy');
	if (res.list.length === 0) {
		box.replaceChildren(
			h('p', { class: 'lead', id: 'res-count' }, t('resNone')),
			h('p', null, t('resNoneHelp')),
			h('div', { class: 'actions' },
				h('button', { type: 'button', class: 'secondary', on: { click: () => show('needs') } }, t('navNeeds')),
				h('button', { type: 'button', class: 'secondary', on: { click: () => show('town') } }, t('navTown'))));
		return;
	}
	const more = res.list.length < res.candidates && res.list.length < 10000;
	box.replaceChildren(
		h('p', { class: 'lead', id: 'res-count' }, t('resCount', { n: res.candidates }), ' ',
			t('resShown', { shown: res.list.length })),
		takeBar('top'),
		h('ol', { class: 'results', id: 'results-list' }, res.list.map(resultItem)),
		more ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', id: 'res-more',
			on: { click: () => search(box, true) } }, t('resMore'))) : null,
		takeBar('bottom'),
		h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary',
			on: { click: () => show('disability') } }, t('resChange'))));
	if (firstNew !== undefined)
		focusEl(document.getElementById('job-' + firstNew + '-title'));
}

function errorBox(box, e) {
	box.removeAttribute('aria-busy');
	if (e.code === -32001) {
		show('notsetup');
		return;
	}
	const key = e.code === 'network' ? 'errNetwork' :
	    (e.code === -32004 && e.data && e.data.reason === 'loading') ? 'errLoading' : 'errOther';
	box.replaceChildren(
		h('p', { class: 'error', id: 'res-error', role: 'alert' }, t(key)),
		h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary',
			on: { click: () => search(box, false) } }, t('retry'))));
	speech.readElement(box);
}

// Asks the daemon for the first page (more: the next page) and shows it.
async function search(box, more) {
	const gen = app.gen;
	const key = JSON.stringify(profile());
	const offset = more ? state.results.list.length : 0;
	box.setAttribute('aria-busy', 'true');
	if (!more)
		box.replaceChildren(h('p', { class: 'lead' }, t('resSearching')));
	announce(t('resSearching'));
	let r;
	try {
		r = await call('match', { profile: profile(), limit: PAGE, offset, explain: true }, signal());
	} catch (e) {
		if (gen === app.gen && app.screen === 'results' && e.name !== 'AbortError')
			errorBox(box, e);
		return;
	}
	if (gen !== app.gen || app.screen !== 'results' || key !== JSON.stringify(profile()))
		return;
	if (more) {
		const before = state.results.list.length;
		state.results.list = state.results.list.concat(r.results);
		state.results.candidates = r.candidates;
		renderResults(box, before);
		announce(t('resMoreShown', { added: r.results.length, shown: state.results.list.length, n: r.candidates }));
		speech.readElement(document.getElementById('job-' + before + '-title').closest('article'));
	} else {
		state.results = { key, list: r.results, candidates: r.candidates };
		renderResults(box);
		const count = document.getElementById('res-count').textContent;
		announce(count);
		speech.readElement(box);
	}
}

register('results', {
	title: 'resTitle',
	nav: 'navResults',
	step: true,
	render(root) {
		const box = h('div', { id: 'results', 'aria-live': 'off' });
		root.append(h('h2', { id: 'screen-title' }, t('resTitle')), box);
		if (missing().length) {
			box.append(h('p', { class: 'lead' }, t('resMissing')), missingList());
			return;
		}
		if (state.results && state.results.key === JSON.stringify(profile()))
			renderResults(box);
	},
	after(opts) {
		const box = document.getElementById('results');
		if (!missing().length && !(state.results && state.results.key === JSON.stringify(profile())))
			search(box, false);
		else if (!opts.again && state.results)
			announce(document.getElementById('res-count') ? document.getElementById('res-count').textContent : '');
	},
});
