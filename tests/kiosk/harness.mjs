// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// harness.mjs - what the kiosk's browser tests share: a real redis-server
// and the real jobmatchd (its line protocol, its HTTP gateway serving the
// kiosk page from the source tree) on free loopback ports, loaded with the
// county's sample employers and postings by the real jobmatch client; and
// Debian's Chromium, headless, driven by playwright-core.
//
// Environment (set by tests/CMakeLists.txt):
//   JOBMATCHD, JOBMATCH  the daemon and client binaries
//   JM_SOURCE_DIR        the repository root (kiosk/ and data/ are read there)
//   JM_TEST_TAG          names the build in the test process's directory
//   JM_KIOSK_SHOTS       where screenshots are written (a build-dir folder)
//   CHROMIUM             the browser (default /usr/bin/chromium)
//
// Child processes, as tests/integration/harness.py does it: every process
// runs in ROOT, a directory named jm-test-TAG-PID-... (PID: this test
// process), which names it to tests/check_processes.py (the ctest
// processes_left) should it be left behind; redis-server and jobmatchd are
// started under setpriv --pdeathsig KILL, so they die with this process
// even when it is killed; stop() stops them with SIGTERM (the daemon must
// exit 0) and the process's exit kills whatever is left. The browser's
// profile is a fresh directory under ROOT (TMPDIR points there). Nothing
// asserts on timing: waits poll with generous timeouts.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
export const SRC = process.env.JM_SOURCE_DIR || path.resolve(HERE, '..', '..');
export const DATA = path.join(SRC, 'data');
export const KIOSK_DIR = path.join(SRC, 'kiosk');
export const JOBMATCHD = process.env.JOBMATCHD || path.join(SRC, 'build', 'jobmatchd');
export const JOBMATCH = process.env.JOBMATCH || path.join(SRC, 'build', 'jobmatch');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = process.env.JM_KIOSK_SHOTS || null;

// fair: a kiosk token bound to the sample job fair (token kiosk@FAIR).
// fairMissing: one bound to a fair nobody registered.
export const TOKENS = { kiosk: 'kiosk-token-1', staff: 'staff-token-1', fair: 'fair-kiosk-token-1',
	fairMissing: 'fair-kiosk-token-2' };
export const MISSING_FAIR = 'dj-fair-unregistered';
// The sample job fair (data/fairs.jsonl), which run.sh and Env load.
export const FAIR = JSON.parse(fs.readFileSync(path.join(DATA, 'fairs.jsonl'), 'utf8').trim().split('\n')[0]).params.fair;
// Each sample employer's token (the daemon has one for every employer of
// data/employers.jsonl): what an employer's HR system would hold.
export function employerToken(id) {
	return 'employer-' + id + '-token';
}
// The kiosk's key of its token in localStorage (kiosk/js/rpc.js).
export const TOKEN_KEY = 'jobmatchd.kiosk.token';

const TAG = (process.env.JM_TEST_TAG || '').replace(/[^A-Za-z0-9]/g, '') || 'x';
export const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), `jm-test-${TAG}-${process.pid}-`));
// The browser's profile (Playwright makes it in the temporary directory).
process.env.TMPDIR = ROOT;

const children = new Set();

process.on('exit', () => {
	for (const p of children) {
		try {
			p.kill('SIGKILL');
		} catch (e) {
			// gone already
		}
	}
	fs.rmSync(ROOT, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
	process.on(sig, () => process.exit(1));

// The ids of the sample employers.
function employerIds() {
	return fs.readFileSync(path.join(DATA, 'employers.jsonl'), 'utf8').trim().split('\n')
	    .map((line) => JSON.parse(line).params.employer.id);
}

function digest(token) {
	return createHash('sha256').update(token).digest('hex');
}

// A TCP port on 127.0.0.1 that nothing listens on right now.
export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls fn() until it gives a truthy value (returned), for at most
// timeout ms; then throws, naming what was waited for.
export async function waitFor(fn, what, timeout = 30000) {
	const end = Date.now() + timeout;
	let last;
	for (;;) {
		try {
			const v = await fn();
			if (v)
				return v;
		} catch (e) {
			last = e;
		}
		if (Date.now() > end)
			throw new Error(`timed out waiting for ${what}` + (last ? `: ${last.message}` : ''));
		await sleep(50);
	}
}

// A process started in ROOT that dies with this one (setpriv
// --pdeathsig KILL, then exec), its output appended to logFile.
function start(argv, logFile) {
	const fd = fs.openSync(logFile, 'a');
	const p = spawn('setpriv', ['--pdeathsig', 'KILL', '--', ...argv], {
		cwd: ROOT,
		stdio: ['ignore', fd, fd],
	});
	fs.closeSync(fd);
	children.add(p);
	p.exited = new Promise((resolve) => p.on('exit', (code, signal) => {
		children.delete(p);
		resolve({ code, signal });
	}));
	return p;
}

async function stopProcess(p, what, timeout = 15000) {
	if (!children.has(p))
		return (await p.exited);
	p.kill('SIGTERM');
	const t = setTimeout(() => p.kill('SIGKILL'), timeout);
	const r = await p.exited;
	clearTimeout(t);
	return r;
}

function tail(file, n = 40) {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
	} catch (e) {
		return '';
	}
}

// One RESP command on a fresh connection; resolves to the reply's first line.
function redisCmd(port, ...args) {
	return new Promise((resolve, reject) => {
		const s = net.connect(port, '127.0.0.1');
		let buf = '';
		s.setTimeout(2000, () => s.destroy(new Error('timeout')));
		s.on('error', reject);
		s.on('data', (d) => {
			buf += d;
			if (buf.includes('\r\n')) {
				s.end();
				resolve(buf.split('\r\n')[0]);
			}
		});
		s.write(`*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(''));
	});
}

// An HTTP request to the daemon's gateway: {status, headers, body}.
export function httpRequest(port, method, urlPath, { headers = {}, body = null } = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({
				status: res.statusCode,
				headers: res.headers,
				body: Buffer.concat(chunks).toString('utf8'),
			}));
		});
		req.on('error', reject);
		req.setTimeout(10000, () => req.destroy(new Error('timeout')));
		if (body !== null)
			req.write(body);
		req.end();
	});
}

// A redis-server, the daemon with its HTTP gateway serving the kiosk
// page, and the sample data loaded.
export class Env {
	async start() {
		this.dir = fs.mkdtempSync(path.join(ROOT, 'env-'));
		await this.startRedis();
		await this.startDaemon();
		await this.load();
		return this;
	}

	async startRedis() {
		for (let attempt = 0; attempt < 5; attempt++) {
			this.redisPort = await freePort();
			this.redisLog = path.join(this.dir, 'redis.log');
			fs.mkdirSync(path.join(this.dir, 'redis'), { recursive: true });
			this.redis = start(['redis-server', '--port', String(this.redisPort), '--bind', '127.0.0.1',
				'--dir', path.join(this.dir, 'redis'), '--appendonly', 'yes', '--save', '',
				'--daemonize', 'no', '--logfile', this.redisLog], path.join(this.dir, 'redis.out'));
			const ok = await waitFor(async () => {
				if (!children.has(this.redis))
					return 'exited';
				return (await redisCmd(this.redisPort, 'PING')) === '+PONG' ? 'up' : null;
			}, 'redis-server to answer PING');
			if (ok === 'up')
				return;
			if (!tail(this.redisLog).includes('Address already in use'))
				throw new Error('redis-server exited:\n' + tail(this.redisLog));
		}
		throw new Error('no free port for redis-server');
	}

	async startDaemon() {
		for (let attempt = 0; attempt < 5; attempt++) {
			this.port = await freePort();
			this.httpPort = await freePort();
			this.log = path.join(this.dir, 'jobmatchd.log');
			this.config = path.join(this.dir, 'jobmatchd.conf');
			fs.writeFileSync(this.config, [
				'# written by tests/kiosk/harness.mjs',
				`listen 127.0.0.1:${this.port}`,
				`http_listen 127.0.0.1:${this.httpPort}`,
				`kiosk_dir ${KIOSK_DIR}`,
				`redis 127.0.0.1:${this.redisPort}`,
				`towns_file ${path.join(DATA, 'towns.tsv')}`,
				`rules_file ${path.join(DATA, 'rules.default.json')}`,
				'log_level info',
				`token kiosk ${digest(TOKENS.kiosk)}`,
				`token staff ${digest(TOKENS.staff)}`,
				`token kiosk@${FAIR.id} ${digest(TOKENS.fair)}`,
				`token kiosk@${MISSING_FAIR} ${digest(TOKENS.fairMissing)}`,
				...employerIds().map((id) => `token employer:${id} ${digest(employerToken(id))}`),
			].join('\n') + '\n');
			this.daemon = start([JOBMATCHD, '-c', this.config], this.log);
			const ok = await waitFor(async () => {
				if (!children.has(this.daemon))
					return 'exited';
				if (!/^.*mirror: \d+ open postings$/m.test(tail(this.log, 200)))
					return null;
				const r = await this.rpc('ping');
				return r.result && r.result.pong ? 'up' : null;
			}, 'jobmatchd to serve');
			if (ok === 'up')
				return;
			if (!tail(this.log).includes('Address already in use'))
				throw new Error('jobmatchd exited at start:\n' + tail(this.log));
		}
		throw new Error('no free ports for jobmatchd');
	}

	// The sample employers, postings and job fair, by `jobmatch load` over
	// the line protocol with the staff token, as run.sh loads them.
	async load() {
		// The sample postings' last days to apply (apply_by) are real
		// dates: one gone by is moved to the same day of next year, so
		// that the tests find the sample as it was written whenever
		// they run (a posting past its apply_by is matched no more).
		const now = new Date();
		const pad = (n) => String(n).padStart(2, '0');
		const today = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
		const jobs = fs.readFileSync(path.join(DATA, 'jobs.jsonl'), 'utf8').trim().split('\n')
		    .map((l) => {
			const req = JSON.parse(l);
			const j = req.params.job;
			if (j.apply_by && j.apply_by < today)
				j.apply_by = `${now.getFullYear() + 1}${j.apply_by.slice(4)}`;
			return JSON.stringify(req);
		    }).join('\n');
		const jobsFile = path.join(ROOT, 'sample-jobs.jsonl');
		fs.writeFileSync(jobsFile, jobs + '\n');
		for (const file of [path.join(DATA, 'employers.jsonl'), jobsFile, path.join(DATA, 'fairs.jsonl')]) {
			const name = path.basename(file);
			const r = spawnSync(JOBMATCH, ['load', file], {
				cwd: ROOT,
				env: Object.assign({}, process.env, {
					JOBMATCH_ADDR: `127.0.0.1:${this.port}`,
					JOBMATCH_TOKEN: TOKENS.staff,
				}),
				encoding: 'utf8',
				timeout: 60000,
			});
			if (r.status !== 0 || !/ 0 failed/.test(r.stdout))
				throw new Error(`jobmatch load ${name}: ${r.status}\n${r.stdout}${r.stderr}`);
		}
		this.postings = jobs.split('\n').length;
		await waitFor(async () => {
			const r = await this.rpc('stats', {}, TOKENS.staff);
			return r.result && r.result.mirror && r.result.mirror.postings >= this.postings;
		}, 'the mirror to hold the sample postings');
		await waitFor(async () => {
			const r = await this.rpc('fair.get', { id: FAIR.id }, TOKENS.staff);
			return r.result && r.result.exhibitors.length === FAIR.exhibitors.length;
		}, 'the mirror to hold the sample fair');
	}

	// A JSON-RPC call through the gateway: the whole answer object.
	async rpc(method, params = {}, token = null) {
		const headers = { 'Content-Type': 'application/json' };
		if (token)
			headers.Authorization = 'Bearer ' + token;
		const r = await httpRequest(this.httpPort, 'POST', '/rpc', {
			headers,
			body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
		});
		return JSON.parse(r.body);
	}

	get url() {
		return `http://127.0.0.1:${this.httpPort}/`;
	}

	logTail(n = 60) {
		return tail(this.log, n);
	}

	// Stops the daemon (it must exit 0 on SIGTERM) and Redis.
	async stop() {
		let bad = null;
		if (this.daemon) {
			const r = await stopProcess(this.daemon, 'jobmatchd');
			if (r.code !== 0)
				bad = `jobmatchd exited with ${r.code === null ? r.signal : r.code} after SIGTERM:\n` + this.logTail();
		}
		if (this.redis)
			await stopProcess(this.redis, 'redis-server');
		if (bad)
			throw new Error(bad);
	}
}

// The flags Debian's Chromium runs with here: headless, no sandbox (root),
// and nothing that reaches out to the network.
export const BROWSER_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
	'--no-first-run', '--disable-background-networking', '--disable-component-update',
	'--disable-sync'];

export async function launchBrowser() {
	const { chromium } = await import('playwright-core');
	return chromium.launch({ executablePath: CHROMIUM, headless: true, args: BROWSER_ARGS });
}

// What a file of browser tests shares: registers the node:test hooks that
// start an Env and the browser before its tests (then, when given,
// await setup(env) in the same hook: node's runner does not wait for one
// top-level before hook to end before it starts the next) and stop them
// after, the browser first, then the Env. The Env is kept before it
// starts, so that one whose start fails half way still has what it
// started stopped. Returns {env, browser}, which the hooks fill in.
export function useKiosk(setup = null) {
	const kiosk = { env: null, browser: null };
	before(async () => {
		kiosk.env = new Env();
		await kiosk.env.start();
		kiosk.browser = await launchBrowser();
		if (setup)
			await setup(kiosk.env);
	});
	after(async () => {
		if (kiosk.browser)
			await kiosk.browser.close();
		if (kiosk.env)
			await kiosk.env.stop();
	});
	return kiosk;
}

// A page of a fresh browser context (its own storage), opened on the
// kiosk. opts.token: the kiosk token put in localStorage before the page
// runs (false: none, as on a kiosk not set up yet); opts.viewport,
// opts.deviceScaleFactor; opts.speech: record every utterance the page
// gives speechSynthesis in window.__spoken ({text, lang}) before it is
// spoken (an observation: the browser's own speak() still runs).
export async function openKiosk(browser, env, opts = {}) {
	const ctx = await browser.newContext({
		viewport: opts.viewport || { width: 1280, height: 900 },
		deviceScaleFactor: opts.deviceScaleFactor || 1,
	});
	const page = await ctx.newPage();
	page.errors = [];
	page.on('pageerror', (e) => page.errors.push(e.message));
	page.on('console', (m) => {
		if (m.type() === 'error')
			page.errors.push(m.text());
	});
	const token = opts.token === undefined ? TOKENS.kiosk : opts.token;
	if (token)
		await page.addInitScript(([key, value]) => {
			if (!localStorage.getItem(key))
				localStorage.setItem(key, value);
		}, [TOKEN_KEY, token]);
	if (opts.speech)
		await page.addInitScript(() => {
			window.__spoken = [];
			const synth = window.speechSynthesis;
			const speak = synth.speak.bind(synth);
			synth.speak = (u) => {
				window.__spoken.push({ text: u.text, lang: u.lang });
				return speak(u);
			};
		});
	if (opts.clock)
		await page.clock.install();
	await page.goto(env.url);
	if ((token === TOKENS.kiosk || token === TOKENS.fair) && opts.wait !== false)
		await page.waitForSelector('#start');
	return page;
}

// Writes a screenshot of page (or of a locator's element) to
// SHOTS/name.png (when SHOTS is set).
export async function shot(page, name, opts = {}) {
	if (!SHOTS)
		return;
	fs.mkdirSync(SHOTS, { recursive: true });
	await page.screenshot(Object.assign({ path: path.join(SHOTS, name + '.png') }, opts));
}

// axe-core's violations on the page for tags (WCAG 2.0 A and AA, 2.1 AA,
// 2.2 AA by default) or, with rules, those rules only.
export async function axe(page, { tags, rules } = {}) {
	const src = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
	if (!(await page.evaluate(() => typeof window.axe === 'object')))
		await page.evaluate(src);
	const runOnly = rules ? { type: 'rule', values: rules } :
	    { type: 'tag', values: tags || ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] };
	const r = await page.evaluate((ro) => window.axe.run(document, { runOnly: ro, resultTypes: ['violations'] }), runOnly);
	return r.violations.map((v) => ({
		id: v.id,
		impact: v.impact,
		help: v.help,
		nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary.replace(/\s+/g, ' ')),
	}));
}

// Whether the page scrolls sideways: {scrollWidth, clientWidth}.
export function sideways(page) {
	return page.evaluate(() => ({
		scrollWidth: document.documentElement.scrollWidth,
		clientWidth: document.documentElement.clientWidth,
	}));
}
