#!/usr/bin/env node
'use strict';
// Lien's browser tests: journeys in Debian's Chromium driven by
// playwright-core (no browser download), axe-core, keyboard only, JavaScript
// off, reflow at 320 / 640 px, print, page weight.
//
//   node tests/e2e/run.js [FILTER...]      (or E2E_ONLY=a,b)
//
// Env: LIEN_BIN (default build/lien), CHROMIUM (default /usr/bin/chromium),
// E2E_TIMING=1 (time per test), E2E_KEEP=1 (keep databases), E2E_STACK=1.
//
// Each file of journeys/ (one journey each), then of checks/, registers
// its tests with lib/harness.js `test(name, async (ctx) => …)`. The context
// gives: ctx.browser (one Chromium for the run), ctx.lien (a shared instance
// on a fresh database with the demo data), ctx.instance(key) (a separate
// fresh instance, started once per key: a journey that changes state takes
// its own), ctx.check(name, fn) (a separate result line), ctx.timeouts.

const fs = require('node:fs');
const path = require('node:path');
const { runAll } = require('./lib/harness');
const { startLien, lienBin } = require('./lib/lien');
const { ARTIFACTS } = require('./lib/artifacts');

function load(dir) {
	const full = path.join(__dirname, dir);
	if (!fs.existsSync(full))
		return;
	for (const f of fs.readdirSync(full).filter((f) => f.endsWith('.js')).sort())
		require(path.join(full, f));
}

async function main() {
	const started = Date.now();
	const filters = process.argv.slice(2).concat((process.env.E2E_ONLY || '').split(',')).filter(Boolean);
	if (!fs.existsSync(lienBin())) {
		console.log(`FAIL e2e: mise en place — binaire introuvable : ${lienBin()} (make lien)`);
		console.log('0 passed, 1 failed');
		return 1;
	}
	fs.rmSync(ARTIFACTS, { recursive: true, force: true });
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	let launchBrowser;
	try {
		({ launchBrowser } = require('./lib/browser'));
		load('journeys');
		load('checks');
	} catch (err) {
		const missing = err.code === 'MODULE_NOT_FOUND' ? ' (dépendances absentes : make deps, ou npm ci dans tests/e2e)' : '';
		console.log(`FAIL e2e: mise en place — ${err.message.split('\n')[0]}${missing}`);
		console.log('0 passed, 1 failed');
		return 1;
	}

	const sanitized = /san/.test(lienBin());
	const instances = new Map();
	const ctx = {
		browser: null,
		lien: null,
		weights: [],
		timeouts: { action: sanitized ? 20000 : 10000, navigation: sanitized ? 45000 : 20000 },
		async instance(key) {
			if (!instances.has(key))
				instances.set(key, startLien(key));
			return instances.get(key);
		},
	};
	let results;
	let setupError = null;
	try {
		ctx.lien = await ctx.instance('commun');
		ctx.browser = await launchBrowser();
		results = await runAll(ctx, filters);
	} catch (err) {
		setupError = err;
	} finally {
		if (ctx.browser)
			await ctx.browser.close().catch(() => {});
		for (const p of instances.values()) {
			const l = await p.catch(() => null);
			if (!l)
				continue;
			const crash = l.health();
			if (crash && results) {
				results.fail(`serveur ${l.name} sans erreur mémoire ni arrêt`, new Error(crash));
			}
			await l.stop().catch(() => {});
		}
	}
	if (setupError) {
		const r = results || { passed: 0, failed: 0 };
		console.log(`FAIL e2e: mise en place — ${setupError.message.split('\n')[0]}`);
		for (const l of setupError.message.split('\n').slice(1, 20))
			console.log(`    ${l}`);
		console.log(`${r.passed} passed, ${r.failed + 1} failed`);
		return 1;
	}
	fs.writeFileSync(path.join(ARTIFACTS, 'poids.json'), JSON.stringify(ctx.weights, null, 1));
	console.log(`    (e2e : ${((Date.now() - started) / 1000).toFixed(1)} s, artefacts dans ${path.relative(process.cwd(), ARTIFACTS) || ARTIFACTS})`);
	console.log(`${results.passed} passed, ${results.failed} failed`);
	return results.failed ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => {
	console.log(`FAIL e2e: mise en place — ${err && err.message}`);
	console.log('0 passed, 1 failed');
	process.exit(1);
});
