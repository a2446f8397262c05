// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// The kiosk's calls to the daemon that serves it: JSON-RPC 2.0 over
// POST rpc, and the QR code (qr.svg, qr.txt). The kiosk token goes in the
// Authorization header only, never in an address. The only things this
// page keeps in the browser are this kiosk's settings (its token and its
// idle time), in localStorage; never a person's profile.

const TOKEN_KEY = 'jobmatchd.kiosk.token';
const IDLE_KEY = 'jobmatchd.kiosk.idle_s';

export const IDLE_DEFAULT_S = 120;
export const IDLE_MIN_S = 30;
export const IDLE_MAX_S = 900;

function stored(key) {
	try {
		return localStorage.getItem(key);
	} catch (e) {
		return null;     // storage turned off: the kiosk is not set up
	}
}

// The kiosk token, or null when none is kept.
export function token() {
	const t = stored(TOKEN_KEY);
	return t ? t : null;
}

// Keeps (or, with null, forgets) the kiosk token.
export function setToken(t) {
	if (t)
		localStorage.setItem(TOKEN_KEY, t);
	else
		localStorage.removeItem(TOKEN_KEY);
}

// Seconds without use before the idle warning.
export function idleSeconds() {
	const n = Number(stored(IDLE_KEY));
	return Number.isInteger(n) && n >= IDLE_MIN_S && n <= IDLE_MAX_S ? n : IDLE_DEFAULT_S;
}

export function setIdleSeconds(n) {
	localStorage.setItem(IDLE_KEY, String(n));
}

// A failed call: code is the JSON-RPC error code, or 'network' (no
// answer), or 'http' (an HTTP error status, in status).
export class RpcError extends Error {
	constructor(code, message, data, status) {
		super(message);
		this.code = code;
		this.data = data;
		this.status = status;
	}
}

let seq = 0;

function headers(extra) {
	const hd = Object.assign({}, extra);
	const t = token();
	if (t)
		hd.Authorization = 'Bearer ' + t;
	return hd;
}

async function send(url, init) {
	let res;
	try {
		res = await fetch(url, Object.assign({
			cache: 'no-store',
			credentials: 'omit',
			referrerPolicy: 'no-referrer',
		}, init));
	} catch (e) {
		if (e.name === 'AbortError')
			throw e;
		throw new RpcError('network', String(e.message || e));
	}
	return res;
}

// Calls method with params; resolves to the result, or rejects with an
// RpcError (or an AbortError when signal aborts it).
export async function call(method, params, signal) {
	const res = await send('rpc', {
		method: 'POST',
		headers: headers({ 'Content-Type': 'application/json' }),
		body: JSON.stringify({ jsonrpc: '2.0', id: ++seq, method, params: params || {} }),
		signal,
	});
	// A refused token is a JSON-RPC error (-32001) whatever the status.
	let body;
	try {
		body = await res.json();
	} catch (e) {
		if (e.name === 'AbortError')
			throw e;
		throw new RpcError(res.ok ? 'network' : 'http', 'HTTP ' + res.status, null, res.status);
	}
	if (body.error)
		throw new RpcError(body.error.code, body.error.message, body.error.data);
	return body.result;
}

// The QR code of postings (["EMP:ID", ...], 1 to 5) in lang ('zh' or
// 'en'): kind 'svg' gives the SVG's markup, 'txt' the text it encodes.
export async function qr(kind, jobs, langCode, signal) {
	// Ids are [A-Za-z0-9._:-]: the ':' between employer and job stays.
	const q = 'jobs=' + jobs.map((j) => encodeURIComponent(j).replace(/%3A/g, ':')).join(',') +
	    '&lang=' + encodeURIComponent(langCode);
	const res = await send('qr.' + kind + '?' + q, { headers: headers(), signal });
	if (!res.ok)
		throw new RpcError('http', 'HTTP ' + res.status, null, res.status);
	return res.text();
}
