// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// The person's profile and choices: in this module's memory only, never
// in storage, a cookie, the address or the history. The profile is sent
// to the daemon in match requests; a name and phone (and the needs, when
// the person chooses so) only in the request to be contacted that the
// person sends. clearState() forgets all of it.

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
		avoid: [],		// what not to be offered (vocab avoid)
		skillText: '',		// what is typed in the skill box
		// The last match: {key, list, candidates}; key is the profile
		// it was made for (JSON), so a changed profile searches again.
		results: null,
		// The postings picked to take home: "EMP:ID" -> the job.
		chosen: new Map(),
		// A request to be contacted about a posting while it is filled
		// in: {key, job, from (the screen to go back to), name, phone,
		// contact, share, needs (the three choices)}; null when none.
		// Forgotten once sent, by "do not send" and by the reset.
		contact: null,
		// The postings the person asked to be contacted about (sent):
		// "EMP:ID" -> {job, share}; and the one just sent.
		asked: new Map(),
		sent: null,
	};
}

export const state = fresh();

// Forgets the profile and every choice.
export function clearState() {
	state.chosen.clear();
	state.asked.clear();
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
	if (state.avoid.length)
		p.avoid = state.avoid.slice();
	return p;
}

// Whether the page holds anything of a person (then the idle timer runs).
export function pristine() {
	return !state.type && !state.grade && !state.town &&
	    !state.skills.length && !state.needs.length && !state.avoid.length &&
	    !state.skillText &&
	    !state.results && !state.chosen.size && !state.contact && !state.asked.size;
}

// A posting's key for the QR code and the chosen map.
export function jobKey(job) {
	return job.employer_id + ':' + job.id;
}
