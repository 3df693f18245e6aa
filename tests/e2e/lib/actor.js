'use strict';
// A person using Lien, in one of three ways, so that a journey is written
// once and run three times:
//   'souris'  — mouse and JavaScript; every page reached is screenshotted,
//               checked by axe and weighed (HTTP cache off);
//   'clavier' — keyboard only: Tab / Shift+Tab to move, Enter on links,
//               Space on buttons and checkboxes, arrows in lists; the focus
//               must be visible after every key press, the skip link must be
//               the first tab stop of every page, and every page's whole tab
//               order is walked (no trap, no invisible focus);
//   'sans-js' — mouse with JavaScript disabled in the browser.
//
// Journey code uses: open(path), fill(label, value), check(label),
// select(label, option), follow(linkName), press(buttonName),
// expand(summaryText) (opens a <details>), reached(name), and reads the page
// through `u.page` for its assertions.
//
// A page reached at an anchor (/personnes/7#journal, after a form) starts
// the keyboard at that anchor, as Chromium does: the first Tab then goes to
// what follows the anchor, not to the skip link. Pages that are documents
// to print, with no repeated blocks before their content, have no skip link:
// list their paths with noSkipLinkOn(/regex/).

const assert = require('node:assert/strict');
const { tabTo, walkTabOrder, assertFocusVisible, focusInfo } = require('./keyboard');
const { assertAxe } = require('./a11y');
const { screenshot } = require('./artifacts');
const { disableCache, assertPageWeight } = require('./weight');

const MODES = ['souris', 'clavier', 'sans-js'];
const VIEWPORT = { width: 1280, height: 900 };

function exact(name) {
	return typeof name === 'string' ? { name, exact: true } : { name };
}

class Actor {
	// ctx: the harness context (check, browser); lien: the instance;
	// journey: a short name used for artifacts and check names.
	constructor(ctx, { lien, mode, journey }) {
		assert.ok(MODES.includes(mode), `mode inconnu ${mode}`);
		this.ctx = ctx;
		this.lien = lien;
		this.mode = mode;
		this.journey = journey;
		this.shots = 0;
		this.loads = 0;
		this.seenLoads = -1;
		this.trace = [];
		this.t0 = Date.now();
		this.withoutSkipLink = [];
	}

	// Paths (regular expressions) of pages that need no skip link (WCAG
	// 2.4.1 asks for a way past blocks repeated on several pages; a paper
	// document has none).
	noSkipLinkOn(re) {
		this.withoutSkipLink.push(re);
	}

	// What the keyboard starts from on the page: whether a skip link is
	// expected, and whether the page was reached at an anchor.
	async keyboardStart() {
		const path = new URL(this.page.url()).pathname;
		const skipLink = !this.withoutSkipLink.some((re) => re.test(path));
		const anchor = await this.page.evaluate(() => !!(location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)))));
		return { skipLink, anchor };
	}

	async start() {
		this.log('début');
		this.context = await this.ctx.browser.newContext({
			baseURL: this.lien.url,
			viewport: VIEWPORT,
			locale: 'fr-FR',
			javaScriptEnabled: this.mode !== 'sans-js',
		});
		this.page = await this.context.newPage();
		this.page.setDefaultTimeout(this.ctx.timeouts.action);
		this.page.setDefaultNavigationTimeout(this.ctx.timeouts.navigation);
		this.page.on('load', () => this.loads++);
		if (this.mode === 'souris')
			await disableCache(this.page);
		if (this.mode === 'sans-js') {
			await this.page.setContent('<title>a</title><script>document.title = "b"</script>');
			assert.equal(await this.page.title(), 'a', 'JavaScript bien désactivé');
		}
		this.log('page prête');
		return this;
	}

	async close() {
		if (this.context)
			await this.context.close().catch(() => {});
	}

	log(line) {
		if (process.env.E2E_TRACE)
			console.log(`    [${((Date.now() - this.t0) / 1000).toFixed(2)}] ${this.journey} ${line}`);
		this.trace.push(line);
		if (this.trace.length > 30)
			this.trace.shift();
	}

	get keyboard() {
		return this.mode === 'clavier';
	}

	// The address bar: the only way in that is not a link.
	async open(path) {
		this.log(`ouvre ${path}`);
		await this.page.goto(path);
	}

	field(label) {
		return typeof label === 'string' ? this.page.getByLabel(label, { exact: true }) : label;
	}

	// Runs `action` and waits for the page it leads to; returns its response.
	async navigating(action) {
		const [response] = await Promise.all([this.page.waitForNavigation({ waitUntil: 'load' }), action()]);
		return response;
	}

	// Keyboard: brings the focus to `loc` from wherever it is. On a page just
	// loaded, the first Tab must land on the skip link; a target inside the
	// main content is then reached through the skip link (Enter).
	async focus(loc) {
		await loc.waitFor({ state: 'visible' });
		const page = this.page;
		if (this.seenLoads !== this.loads) {
			this.seenLoads = this.loads;
			const { skipLink, anchor } = await this.keyboardStart();
			await page.keyboard.press('Tab');
			const f = await assertFocusVisible(page, '1re tabulation : ');
			if (skipLink && !anchor && !f.isSkip)
				throw new Error(`le premier arrêt de tabulation de ${page.url()} n'est pas le lien d'évitement mais ${f.desc}`);
			this.log(f.isSkip ? 'Tab → lien d\'évitement' : `Tab → ${f.desc}${anchor ? ' (page ouverte à une ancre)' : ''}`);
		}
		const f = await focusInfo(page);
		if (f.isSkip && (await loc.evaluate((el) => !!el.closest('main')))) {
			await page.keyboard.press('Enter');
			const g = await focusInfo(page);
			assert.ok(g.isMain, `le lien d'évitement n'a pas mené au contenu (focus : ${g.desc})`);
			this.log('Entrée sur le lien d\'évitement → contenu');
		}
		await tabTo(page, loc, { log: (l) => this.log(l) });
	}

	async fill(label, value) {
		const loc = this.field(label);
		this.log(`saisit ${label}`);
		if (!this.keyboard)
			return loc.fill(value);
		await this.focus(loc);
		await this.page.keyboard.press('Control+A');
		await this.page.keyboard.press('Delete');
		if (value)
			await this.page.keyboard.type(value);
		assert.equal(await loc.inputValue(), value, `saisie au clavier dans « ${label} »`);
	}

	async check(label, on = true) {
		const loc = this.field(label);
		this.log(`coche ${label}`);
		if (!this.keyboard)
			return on ? loc.check() : loc.uncheck();
		await this.focus(loc);
		if ((await loc.isChecked()) !== on)
			await this.page.keyboard.press('Space');
		assert.equal(await loc.isChecked(), on, `case « ${label} » au clavier`);
	}

	async select(label, option) {
		const loc = this.field(label);
		this.log(`choisit ${option} dans ${label}`);
		if (!this.keyboard)
			return loc.selectOption({ label: option });
		await this.focus(loc);
		const labels = await loc.evaluate((s) => [...s.options].map((o) => o.label.trim()));
		const want = labels.indexOf(option);
		assert.ok(want >= 0, `option « ${option} » absente de « ${label} » (${labels.join(' / ')})`);
		for (let i = 0; i < labels.length + 1; i++) {
			const cur = await loc.evaluate((s) => s.selectedIndex);
			if (cur === want)
				return;
			await this.page.keyboard.press(cur < want ? 'ArrowDown' : 'ArrowUp');
		}
		throw new Error(`impossible de choisir « ${option} » au clavier dans « ${label} »`);
	}

	// Opens a <details> by its <summary> (Enter on it, with the keyboard).
	async expand(summaryText) {
		const summary = this.page.locator('summary').filter({ hasText: summaryText }).first();
		this.log(`ouvre « ${summaryText} »`);
		if (this.keyboard) {
			await this.focus(summary);
			await this.page.keyboard.press('Enter');
		} else {
			await summary.click();
		}
		const open = await summary.evaluate((s) => s.parentElement.open);
		assert.ok(open, `« ${summaryText} » ne s'ouvre pas`);
	}

	link(name, scope) {
		return (scope || this.page).getByRole('link', exact(name));
	}

	button(name, scope) {
		return (scope || this.page).getByRole('button', exact(name));
	}

	// Follows a link (returns the response). `sameDocument` for a link to an
	// anchor of the page.
	async follow(name, { scope, sameDocument = false } = {}) {
		const loc = typeof name === 'string' || name instanceof RegExp ? this.link(name, scope).first() : name;
		this.log(`suit le lien ${name}`);
		if (this.keyboard) {
			await this.focus(loc);
			if (sameDocument)
				return this.page.keyboard.press('Enter');
			return this.navigating(() => this.page.keyboard.press('Enter'));
		}
		if (sameDocument)
			return loc.click();
		return this.navigating(() => loc.click());
	}

	// Presses a button that submits a form (a navigation follows; returns
	// its response, whose status tells a refused form from a saved one).
	async press(name, { scope } = {}) {
		const loc = typeof name === 'string' || name instanceof RegExp ? this.button(name, scope).first() : name;
		this.log(`appuie sur ${name}`);
		if (this.keyboard) {
			await this.focus(loc);
			return this.navigating(() => this.page.keyboard.press('Space'));
		}
		return this.navigating(() => loc.click());
	}

	// A page of the journey has been reached: check it according to the mode.
	async reached(name, { tabOrder = true } = {}) {
		const crash = this.lien.health();
		if (crash)
			throw new Error(crash);
		const label = `${this.journey} › ${name}`;
		if (this.mode === 'souris') {
			this.shots++;
			await screenshot(this.page, `${this.journey}-${String(this.shots).padStart(2, '0')}-${name}`);
			this.log(`capture ${name}`);
			await this.ctx.check(`axe (WCAG 2.1 A/AA) : ${label}`, () => assertAxe(this.page, `${this.journey}-${name}`));
			this.log(`axe ${name}`);
			await this.ctx.check(`poids < 50 Ko : ${label}`, () => assertPageWeight(this.page, { record: this.ctx.weights, name: label }));
		} else if (this.mode === 'clavier' && tabOrder && this.seenLoads !== this.loads) {
			this.seenLoads = this.loads;
			const { skipLink, anchor } = await this.keyboardStart();
			await this.ctx.check(`clavier, ordre de tabulation : ${label}`, async () => {
				const stops = await walkTabOrder(this.page, { skipLink, fromAnywhere: anchor });
				this.log(`${name} : ${stops.length} arrêts de tabulation`);
			});
		}
	}
}

// Runs `fn(u)` with a fresh actor; on failure, adds the last steps to the error.
async function asActor(ctx, opts, fn) {
	const u = await new Actor(ctx, opts).start();
	try {
		await fn(u);
	} catch (err) {
		const url = u.page ? u.page.url() : '';
		err.details = [err.details, `page : ${url}`, 'dernières étapes :', ...u.trace.map((l) => `  ${l}`)].filter(Boolean).join('\n');
		if (u.page)
			await screenshot(u.page, `ECHEC-${u.journey}`).catch(() => {});
		throw err;
	} finally {
		await u.close();
	}
}

module.exports = { Actor, asActor, MODES, VIEWPORT };
