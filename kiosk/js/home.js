// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// Take it home: the chosen postings as a QR code that any phone camera
// reads without a network (the daemon's qr.svg, fetched with the kiosk
// token and put into the page as SVG), the text it holds (qr.txt), and a
// print view in large type (kiosk.css's print rules), and each chosen
// posting with how to apply for it (on paper too) and the way to ask to
// be contacted about it. The QR code holds the postings only, never the
// person's profile: the request names the postings and the language,
// nothing else.

import { t, lang } from './i18n.js';
import { h, focusEl, announce } from './dom.js';
import { app, register, show, signal } from './app.js';
import { state } from './state.js';
import { qr } from './rpc.js';
import { applyBlock } from './apply.js';
import { askButton } from './contact.js';
import { boothTag } from './fair.js';
import * as speech from './speech.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

// The daemon's SVG markup as an element of this document, keeping only
// SVG shapes and presentation attributes: no script, no event handler,
// no link, no foreign content.
export function svgElement(markup) {
	const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
	const src = doc.documentElement;
	if (!src || src.namespaceURI !== SVG_NS || src.localName !== 'svg')
		throw new Error('not an SVG document');
	const clean = (el) => {
		for (const c of [...el.children]) {
			if (['script', 'foreignObject', 'a', 'use', 'image', 'style', 'iframe'].includes(c.localName) ||
			    c.namespaceURI !== SVG_NS)
				c.remove();
			else
				clean(c);
		}
		for (const a of [...el.attributes])
			if (/^on/i.test(a.name) || /href$/i.test(a.name) || a.name === 'style')
				el.removeAttribute(a.name);
	};
	clean(src);
	const svg = document.importNode(src, true);
	if (!svg.hasAttribute('viewBox') && svg.hasAttribute('width') && svg.hasAttribute('height'))
		svg.setAttribute('viewBox', '0 0 ' + parseFloat(svg.getAttribute('width')) + ' ' +
		    parseFloat(svg.getAttribute('height')));
	svg.removeAttribute('width');
	svg.removeAttribute('height');
	svg.setAttribute('focusable', 'false');
	return svg;
}

async function loadQr() {
	const gen = app.gen;
	const jobs = [...state.chosen.keys()];
	const box = document.getElementById('qr');
	const text = document.getElementById('qr-text');
	if (!box || !jobs.length)
		return;
	const want = lang.code;
	let svg;
	let txt;
	try {
		[svg, txt] = await Promise.all([
			qr('svg', jobs, want, signal()),
			qr('txt', jobs, want, signal()),
		]);
	} catch (e) {
		if (e.name === 'AbortError' || gen !== app.gen)
			return;
		if (e.status === 401) {
			show('notsetup');
			return;
		}
		failed(box);
		return;
	}
	// dropped when the page was reset, left, or the choice or the
	// language changed meanwhile
	if (gen !== app.gen || app.screen !== 'home' || want !== lang.code ||
	    jobs.join(',') !== [...state.chosen.keys()].join(','))
		return;
	let el;
	try {
		el = svgElement(svg);
	} catch (e) {
		failed(box);
		return;
	}
	el.setAttribute('role', 'img');
	el.setAttribute('aria-label', t('homeQr', { n: jobs.length }));
	el.classList.add('qr-svg');
	box.replaceChildren(el);
	box.removeAttribute('aria-busy');
	text.textContent = txt;
	document.getElementById('qr-text-group').hidden = false;
	announce(t('homeQr', { n: jobs.length }));
	speech.readElement(document.getElementById('screen'));
}

function failed(box) {
	box.removeAttribute('aria-busy');
	box.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('homeFailed')),
		h('button', { type: 'button', class: 'secondary', on: { click: () => show('home') } }, t('retry')));
}

register('home', {
	title: 'homeTitle',
	nav: 'navHome',
	step: true,
	render(root) {
		root.append(h('h2', { id: 'screen-title' }, t('homeTitle')));
		if (!state.chosen.size) {
			root.append(h('p', { class: 'lead' }, t('homeNone')), h('p', null, t('takeFirst')),
				h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'home-back',
					on: { click: () => show('results') } }, t('homeBack'))));
			return;
		}
		const chosen = [...state.chosen.entries()];
		root.append(
			h('div', { class: 'home' },
				h('figure', { class: 'qr-figure' },
					h('div', { id: 'qr', class: 'qr', 'aria-busy': 'true' }, h('p', null, t('homeMaking'))),
					h('figcaption', { class: 'lead' }, t('homeIntro'))),
				h('section', { class: 'group', 'aria-labelledby': 'home-chosen-title' },
					h('h3', { id: 'home-chosen-title' }, t('homeChosen')),
					h('ul', { class: 'chosen' }, chosen.map(([key, job], i) => h('li', null, h('div', { class: 'chosen-head' },
						h('h4', { class: 'chosen-text' },
							h('span', { lang: 'zh-CN' }, job.title + ' · ' + (job.employer_name || job.employer_id)),
							job.booth ? ' ' : null, boothTag(job)),
						h('button', {
							type: 'button', class: 'secondary no-print', id: 'home-remove-' + i,
							'aria-label': t('homeRemove', { title: job.title }),
							on: {
								click: () => {
									state.chosen.delete(key);
									announce(t('takeRemoved', { n: state.chosen.size }));
									show('home', { focus: false });
									focusEl(document.getElementById('home-remove-' + Math.min(i, state.chosen.size - 1)) ||
									    document.getElementById('screen-title'));
								},
							},
						}, t('remove'))),
					applyBlock(job, 'home-job-' + i, 'h5'),
					askButton(job, 'home-ask-' + i, 'home'))))),
				h('section', { class: 'group', id: 'qr-text-group', 'aria-labelledby': 'qr-text-title', hidden: true },
					h('h3', { id: 'qr-text-title' }, t('homeText')),
					h('pre', { id: 'qr-text', class: 'qr-text', lang: lang.code === 'en' ? 'en' : 'zh-CN' }))),
			h('p', { class: 'hint no-print' }, t('homePrintHint')),
			h('div', { class: 'actions no-print' },
				h('button', { type: 'button', class: 'primary', id: 'print', on: { click: () => window.print() } }, t('homePrint')),
				h('button', { type: 'button', class: 'secondary', id: 'home-back',
					on: { click: () => show('results') } }, t('homeBack'))));
	},
	after() {
		loadQr();
	},
});
