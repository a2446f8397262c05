// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// A kiosk at a job fair: its token is bound to the fair (hello's `fair`,
// read with fair.get into app.fair when the kiosk starts), so its matches
// hold only the fair's exhibitors' open postings, each with its booth.
// The page shows the fair's name in the header of every screen (main.js),
// its days and venue on the welcome screen, each job's booth, and the
// floor list (展位列表, "Who is here"): every exhibitor by booth with its
// name, how many of its jobs are open and, once the person has results,
// the ones that fit them, each a button to that result. A kiosk with a
// plain token shows none of it.

import { t, label } from './i18n.js';
import { h, say, focusEl } from './dom.js';
import { app, register, show, rerender, signal } from './app.js';
import { state, profile } from './state.js';
import { call } from './rpc.js';
import { dateText } from './apply.js';

// The screen the floor list was opened over, to go back to.
let from = null;

// Opens the floor list (the settings bar's button, the welcome screen's).
export function openFloor() {
	if (app.screen !== 'floor')
		from = app.screen;
	show('floor');
}

// A job's booth as a tag ("展位 A03"); null when no fair applies.
export function boothTag(job) {
	return job.booth ? h('span', { class: 'booth-tag' }, t('booth', { booth: job.booth })) : null;
}

function fact(key, value) {
	return h('div', { class: 'fact' }, h('dt', null, t(key)), h('dd', null, value));
}

// The fair's days in words.
function days(f) {
	return f.end_date && f.end_date !== f.date ?
	    t('fairDates', { from: dateText(f.date), to: dateText(f.end_date) }) : dateText(f.date);
}

function townNode(code) {
	const e = ((app.vocab && app.vocab.towns) || []).find((tw) => tw.code === code);
	if (!e)
		return null;
	const l = label(e, 'towns');
	return say(l.text, l.lang);
}

// The fair on the welcome screen: its name, days, venue, what the kiosk
// shows and the way to the floor list; null at a plain kiosk.
export function fairWelcome() {
	const f = app.fair;
	if (!f)
		return null;
	const town = townNode(f.town);
	return h('section', { class: 'group fair', 'aria-labelledby': 'fair-title' },
		h('h3', { id: 'fair-title' }, say(f.name, 'zh-CN')),
		h('dl', { class: 'facts' },
			fact('fairWhen', days(f)),
			fact('fairWhere', [say(f.venue, 'zh-CN'), town ? [t('whySep'), town] : null])),
		h('p', null, t('fairIntro')),
		h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', id: 'welcome-floor',
			on: { click: openFloor } }, t('floor'))));
}

// The person's results, when they are the current profile's: the jobs
// of employer id, each with its place in the results.
function yours(employerId) {
	if (!state.results || state.results.key !== JSON.stringify(profile()))
		return [];
	return state.results.list.map((r, k) => [r.job, k]).filter(([job]) => job.employer_id === employerId);
}

// To result k on the results screen, focus on its heading.
function goTo(k) {
	show('results');
	focusEl(document.getElementById('job-' + k + '-title'));
}

function exhibitor(x, i) {
	const mine = yours(x.employer_id);
	return h('li', { class: 'exhibitor' },
		h('h3', { id: 'floor-' + i, class: 'exhibitor-head' },
			h('span', { class: 'booth-tag' }, t('booth', { booth: x.booth })), ' ',
			h('span', { class: 'exhibitor-name' }, say(x.employer_name || x.employer_id, 'zh-CN'))),
		h('p', { class: 'exhibitor-open' }, x.open_jobs > 0 ? t('floorOpen', { n: x.open_jobs }) : t('floorOpenNone')),
		mine.length ? h('p', { class: 'exhibitor-yours' }, t('floorYours')) : null,
		mine.length ? h('ul', { class: 'floor-jobs' }, mine.map(([job, k]) => h('li', null,
			h('button', { type: 'button', class: 'secondary', id: 'floor-job-' + k, on: { click: () => goTo(k) } },
				t('floorSee') + t('colon'), say(job.title, 'zh-CN'))))) : null);
}

// fair.get again (the floor list is read when it is shown: an exhibitor's
// open jobs change during the fair); the screen is built again when the
// fair changed. On failure, what is shown stays.
async function refresh() {
	const gen = app.gen;
	const id = app.fair && app.fair.id;
	if (!id)
		return;
	let f;
	try {
		f = await call('fair.get', { id }, signal());
	} catch (e) {
		return;
	}
	if (gen !== app.gen || !app.fair || app.fair.id !== id)
		return;
	const changed = JSON.stringify(f) !== JSON.stringify(app.fair);
	app.fair = f;
	if (changed && app.screen === 'floor')
		rerender();
}

register('floor', {
	title: 'floorTitle',
	render(root) {
		const f = app.fair;
		const back = from && from !== 'floor' ? from : 'welcome';
		root.append(h('h2', { id: 'screen-title' }, t('floorTitle')));
		if (f) {
			const any = state.results && state.results.key === JSON.stringify(profile());
			root.append(h('p', { class: 'lead' }, t('floorIntro'), ' ', t('floorCount', { n: f.exhibitors.length })));
			if (!any)
				root.append(h('p', { class: 'hint' }, t('floorNoResults')));
			root.append(h('ol', { class: 'floor', id: 'floor-list' }, f.exhibitors.map(exhibitor)));
		}
		root.append(h('div', { class: 'actions' },
			h('button', { type: 'button', class: 'primary', id: 'floor-back', on: { click: () => show(back) } },
				t('floorBack')),
			back === 'welcome' ? h('button', { type: 'button', class: 'secondary', id: 'floor-start',
				on: { click: () => show('disability') } }, t('floorStart')) : null));
	},
	after(opts) {
		if (!opts.again)
			refresh();
	},
});

// Forgets where the floor list was opened from (the reset).
export function clearFloor() {
	from = null;
}
