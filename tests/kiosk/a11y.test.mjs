// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// Accessibility, screen by screen: axe-core finds no violation of WCAG
// 2.0 A and AA, 2.1 A and AA, 2.2 AA on any screen in the default,
// large-text and high-contrast modes (and the high-contrast mode meets
// the enhanced contrast of 7:1); the accessibility tree has the landmarks,
// headings, labels and the live region's text a screen reader announces;
// nothing scrolls sideways at 320 CSS px nor at 200 % zoom; the same of a
// kiosk at a job fair (the fair, its floor list, booths). The run writes
// a screenshot of every screen in every mode (JM_KIOSK_SHOTS), which
// docs/kiosk.md's pictures are taken from.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TOKENS, axe, openKiosk, shot, sideways, useKiosk } from './harness.mjs';
import { searchByPointer, liveText } from './flow.mjs';
import { MODES, walkSearch, walkOthers, walkFair } from './screens.mjs';

// The idle time the kiosk uses when its operator set none (kiosk/js/rpc.js).
const IDLE_MS = 120 * 1000;

const kiosk = useKiosk();

function report(found) {
	return found.map((f) => `${f.where}: ${f.id} (${f.impact}): ${f.help}\n    ` +
	    f.nodes.join('\n    ')).join('\n');
}

// Adds axe-core's violations on the screen name to found (in the
// high-contrast mode, those of the enhanced 7:1 contrast too) and writes
// its screenshot in the mode.
async function axeScreen(page, name, mode, found) {
	for (const v of await axe(page))
		found.push(Object.assign({ where: name }, v));
	if (mode === 'contrast')
		for (const v of await axe(page, { rules: ['color-contrast-enhanced'] }))
			found.push(Object.assign({ where: name + ' (7:1)' }, v));
	await shot(page, `${name}-${mode}`);
}

describe('axe-core on every screen', { timeout: 240000 }, () => {
	for (const mode of Object.keys(MODES)) {
		it(`finds no violation in the ${mode} mode`, async () => {
			const found = [];
			const check = (page, name) => axeScreen(page, name, mode, found);
			const page = await openKiosk(kiosk.browser, kiosk.env, { clock: true });
			await walkSearch(page, mode, (name) => check(page, name), { clock: true, idleMs: IDLE_MS });
			assert.deepEqual(page.errors, []);
			await page.context().close();
			await walkOthers(kiosk.browser, kiosk.env, mode, check);
			assert.equal(found.length, 0, '\n' + report(found));
		});
	}
});

// The accessibility tree through the DevTools protocol: [{role, name}]
// of the nodes that are not ignored.
async function axTree(page) {
	const cdp = await page.context().newCDPSession(page);
	const { nodes } = await cdp.send('Accessibility.getFullAXTree');
	await cdp.detach();
	return nodes.filter((n) => !n.ignored).map((n) => ({
		role: n.role && n.role.value,
		name: (n.name && n.name.value) || '',
		props: Object.fromEntries((n.properties || []).map((p) => [p.name, p.value && p.value.value])),
	}));
}

function has(tree, role, name) {
	return tree.some((n) => n.role === role && (name instanceof RegExp ? name.test(n.name) : n.name === name));
}

describe('the accessibility tree', { timeout: 120000 }, () => {
	it('has the landmarks, headings, labels and the live region a screen reader announces', async () => {
		const page = await openKiosk(kiosk.browser, kiosk.env);
		let tree = await axTree(page);
		for (const role of ['banner', 'main', 'contentinfo'])
			assert.ok(has(tree, role, /.*/), `a ${role} landmark`);
		assert.ok(has(tree, 'heading', '找工作 · 残疾人就业服务'), 'the page heading');
		assert.ok(has(tree, 'heading', '欢迎来找工作'), 'the screen heading');
		assert.ok(has(tree, 'button', '大字') && has(tree, 'button', '高对比度') &&
		    has(tree, 'button', '朗读（F2键）') && has(tree, 'button', 'English'), 'the settings bar');
		await page.click('#start');
		await page.waitForSelector('#type');
		tree = await axTree(page);
		assert.ok(has(tree, 'navigation', '步骤'), 'the steps');
		assert.ok(has(tree, 'heading', '您的残疾情况'));
		assert.ok(has(tree, 'group', '残疾类别') && has(tree, 'group', /^残疾等级/), 'the groups by their legends');
		assert.ok(has(tree, 'radio', /^视力残疾/), 'a radio button named by its label');
		assert.ok(has(tree, 'radio', /^二级/));
		await page.click('#next');
		await page.waitForSelector('#type-err:not([hidden])');
		tree = await axTree(page);
		assert.ok(tree.some((n) => n.role === 'radio' && n.props.invalid === 'true'), 'the error marks the group');
		await page.goto(kiosk.env.url);		// a fresh page, and a whole search
		await page.waitForSelector('#start');
		await searchByPointer(page);
		const count = await liveText(page);
		assert.match(count, /^找到\d+个工作。 下面是最合适的\d+个。$/);
		tree = await axTree(page);
		assert.ok(tree.some((n) => n.role === 'status' && n.props.live === 'polite'), 'a polite live region');
		assert.ok(has(tree, 'StaticText', count) || has(tree, 'status', count), 'its text is in the tree');
		assert.ok(has(tree, 'heading', '为您找到的工作'));
		assert.ok(has(tree, 'article', /^第1个/), 'each result is an article named by its title');
		assert.ok(has(tree, 'checkbox', '带走这个工作'));
		await page.click('#steps-list li:nth-child(3) button');
		tree = await axTree(page);
		assert.ok(has(tree, 'combobox', '输入技能'), 'the skill box is a combobox with its label');
		assert.ok(has(tree, 'button', /^去掉：/), 'each chosen skill has a named remove button');
		await page.context().close();
	});
});

describe('reflow', { timeout: 240000 }, () => {
	const cases = [
		['320 CSS px', { viewport: { width: 320, height: 640 } }, ['default', 'large', 'contrast']],
		['200 % zoom of 1280 x 900', { viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 },
			['default', 'large']],
	];
	for (const [what, ctx, modes] of cases) {
		for (const mode of modes) {
			it(`at ${what} in the ${mode} mode, no screen scrolls sideways`, async () => {
				const wide = [];
				const check = async (page, name) => {
					const s = await sideways(page);
					if (s.scrollWidth > s.clientWidth)
						wide.push(`${name}: ${s.scrollWidth} > ${s.clientWidth}`);
					if (ctx.viewport.width === 320)
						await shot(page, `${name}-${mode}-320px`);
				};
				const page = await openKiosk(kiosk.browser, kiosk.env, ctx);
				await walkSearch(page, mode, (name) => check(page, name));
				assert.deepEqual(page.errors, []);
				await page.context().close();
				await walkOthers(kiosk.browser, kiosk.env, mode, check, ctx);
				assert.deepEqual(wide, []);
			});
		}
	}
});

describe('at a job fair', { timeout: 240000 }, () => {
	for (const mode of Object.keys(MODES)) {
		it(`axe-core finds no violation in the ${mode} mode, and nothing scrolls sideways at 320 CSS px`, async () => {
			const found = [];
			const wide = [];
			let page = await openKiosk(kiosk.browser, kiosk.env, { token: TOKENS.fair });
			await walkFair(page, mode, (name) => axeScreen(page, name, mode, found));
			assert.deepEqual(page.errors, []);
			await page.context().close();
			page = await openKiosk(kiosk.browser, kiosk.env, { token: TOKENS.fair, viewport: { width: 320, height: 640 } });
			await walkFair(page, mode, async (name) => {
				const s = await sideways(page);
				if (s.scrollWidth > s.clientWidth)
					wide.push(`${name}: ${s.scrollWidth} > ${s.clientWidth}`);
				await shot(page, `${name}-${mode}-320px`);
			});
			assert.deepEqual(page.errors, []);
			await page.context().close();
			assert.equal(found.length, 0, '\n' + report(found));
			assert.deepEqual(wide, []);
		});
	}
});
