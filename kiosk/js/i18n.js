// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// The language and wording in use, and the words of both: t() for the
// messages files, label() for the daemon's vocabulary.

import { MESSAGES as BASE } from './messages.js';
import { MESSAGES as APPLY } from './messages-apply.js';
import { MESSAGES as FAIR } from './messages-fair.js';

// The tables of every messages file, joined. A key is in one file only:
// one given twice is a defect, reported (and the first file's kept).
const MESSAGES = {};
for (const file of [BASE, APPLY, FAIR]) {
	for (const [table, words] of Object.entries(file)) {
		const into = MESSAGES[table] || (MESSAGES[table] = {});
		for (const [key, text] of Object.entries(words)) {
			if (key in into)
				console.error('kiosk: message ' + table + '.' + key + ' given twice');
			else
				into[key] = text;
		}
	}
}

// The language ('zh' or 'en') and whether the easy-read wording is on.
export const lang = { code: 'zh', easy: false };

// BCP 47 tag of a language code, for lang attributes and speech.
export function tagOf(code) {
	return code === 'en' ? 'en' : 'zh-CN';
}

// The tag of the language in use.
export function tag() {
	return tagOf(lang.code);
}

// Message key in the language and wording in use, its {name}s replaced
// by params' values. A key missing from the easy-read table comes from the
// language's own; a key missing there is a defect, shown as the key.
export function t(key, params) {
	const easy = lang.easy ? MESSAGES[lang.code + '-easy'] : null;
	let s = easy && key in easy ? easy[key] : MESSAGES[lang.code][key];
	if (s === undefined) {
		console.error('kiosk: no message ' + key);
		s = key;
	}
	if (params)
		s = s.replace(/\{(\w+)\}/g, (m, name) =>
			name in params ? String(params[name]) : m);
	return s;
}

// Whether the messages files have key in the language in use.
export function has(key) {
	return key in MESSAGES[lang.code];
}

// The label of an entry of the vocabulary's list kind ('disability_types',
// 'towns', ...) in the language in use, and the language it is written
// in: {text, lang}. English comes from the entry ({labels: {en}} or
// {en}) or else from the messages' en-vocab table; an entry with no
// English label gives its Chinese one, marked as Chinese.
export function label(entry, kind) {
	const zh = String(entry.label ?? entry.name ?? entry.id ?? '');
	if (lang.code === 'en') {
		const given = (entry.labels && entry.labels.en) || entry.en;
		if (typeof given === 'string' && given !== '')
			return { text: given, lang: 'en' };
		const key = kind + '.' + (entry.id ?? entry.code);
		if (key in MESSAGES['en-vocab'])
			return { text: MESSAGES['en-vocab'][key], lang: 'en' };
	}
	return { text: zh, lang: 'zh-CN' };
}
