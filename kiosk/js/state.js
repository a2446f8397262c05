// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// The person's profile and choices: in this module's memory only, never
// in storage, a cookie, the address or the history; sent to the daemon
// only in a match request. clearState() forgets all of it.

// Most skills a profile may hold (the daemon's limit).
export const SKILLS_MAX = 50;
// Most postings the QR code holds.
export const TAKE_MAX = 5;

function fresh() {
	return {
		type: null,		// disability type id
		grade: null,		// 1..4
		town: null,		// town code
		skills: [],		// as chosen or typed
		needs: [],		// accommodation ids
		skillText: '',		// what is typed in the skill box
		// The last match: {key, list, candidates}; key is the profile
		// it was made for (JSON), so a changed profile searches again.
		results: null,
		// The postings picked to take home: "EMP:ID" -> the job.
		chosen: new Map(),
	};
}

export const state = fresh();

// Forgets the profile and every choice.
export function clearState() {
	state.chosen.clear();
	for (const k of Object.keys(state))
		delete state[k];
	Object.assign(state, fresh());
}

// What the profile still lacks for a match: message keys, in step order.
export function missing() {
	const m = [];
	if (!state.type)
		m.push('disNeedType');
	if (!state.grade)
		m.push('disNeedGrade');
	if (!state.town)
		m.push('townNeed');
	return m;
}

// The profile of a match request.
export function profile() {
	const p = {
		disability: { type: state.type, grade: state.grade },
		town: state.town,
	};
	if (state.skills.length)
		p.skills = state.skills.slice();
	if (state.needs.length)
		p.needs = state.needs.slice();
	return p;
}

// Whether the page holds anything of a person (then the idle timer runs).
export function pristine() {
	return !state.type && !state.grade && !state.town &&
	    !state.skills.length && !state.needs.length && !state.skillText &&
	    !state.results && !state.chosen.size;
}

// A posting's key for the QR code and the chosen map.
export function jobKey(job) {
	return job.employer_id + ':' + job.id;
}
