#!/usr/bin/env node
// Checks `lien hours` against the reference library's verdicts on real
// French opening_hours values (opening_hours@3.15.0, see
// ../shared/data/README.md): same valid/invalid decision and, for valid
// values, exactly the same open intervals [from, to, unknown, comment] over
// the oracle's window. Passes when at least 99 % of the cases agree and every
// disagreement is listed, with its reason, in known-differences.tsv; a listed
// value that now agrees is reported too, so that the list stays honest.
//
//   node tests/hours/oracle.js        (LIEN_BIN, LIEN_HOURS_ORACLE override paths)
//
// Last line: "N passed, N failed" like the other suites.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const bin = path.resolve(root, process.env.LIEN_BIN || 'build/lien');
// A copy ships with the tests (CI has no ../shared): the output of
// opening_hours@3.15.0 on the corpus, see tests/hours/README.md.
const oraclePath = process.env.LIEN_HOURS_ORACLE || path.resolve(__dirname, 'horaires-oracle.json');
const knownPath = path.join(__dirname, 'known-differences.tsv');
const MIN_AGREEMENT = 0.99;

function fatal(msg) {
	console.log(`FAIL hours: ${msg}`);
	console.log('0 passed, 1 failed');
	process.exit(1);
}

if (!fs.existsSync(oraclePath)) fatal(`oracle introuvable : ${oraclePath} (LIEN_HOURS_ORACLE)`);
if (!fs.existsSync(bin)) fatal(`binaire introuvable : ${bin} (LIEN_BIN)`);
const oracle = JSON.parse(fs.readFileSync(oraclePath, 'utf8'));
const [from, to] = oracle.window;

// known-differences.tsv: "value<TAB>explanation", '#' starts a comment line.
const known = new Map();
if (fs.existsSync(knownPath)) {
	for (const line of fs.readFileSync(knownPath, 'utf8').split('\n')) {
		if (!line.trim() || line.startsWith('#')) continue;
		const tab = line.indexOf('\t');
		if (tab < 0) fatal(`ligne sans tabulation dans known-differences.tsv : ${line}`);
		known.set(line.slice(0, tab), line.slice(tab + 1));
	}
}

// All values in one process: one per line on stdin, one JSON per line out.
// A value holding a newline cannot go through --batch; it gets its own run.
const cases = oracle.cases;
const batchable = cases.filter((c) => !/[\r\n]/.test(c.value));
const args = ['hours', '--batch', '--json', '--from', from, '--to', to];
const run = spawnSync(bin, args, { input: batchable.map((c) => c.value).join('\n') + '\n', maxBuffer: 64 << 20 });
if (run.status !== 0) fatal(`lien hours --batch a échoué (code ${run.status}) : ${run.stderr}`);
const lines = run.stdout.toString('utf8').split('\n').filter((l) => l);
if (lines.length !== batchable.length) fatal(`${lines.length} réponses pour ${batchable.length} valeurs`);
const ours = new Map();
batchable.forEach((c, i) => ours.set(c.value, JSON.parse(lines[i])));
for (const c of cases) {
	if (ours.has(c.value)) continue;
	const one = spawnSync(bin, ['hours', c.value, '--json', '--from', from, '--to', to]);
	ours.set(c.value, JSON.parse(one.stdout.toString('utf8')));
}

function describe(c, got) {
	if (c.valid !== got.valid)
		return `valid: oracle ${c.valid}, lien ${got.valid}` + (got.error ? ` (${got.error})` : '') +
			(c.error ? ` — oracle: ${c.error}` : '');
	const want = c.open_intervals, have = got.open_intervals;
	for (let i = 0; i < Math.max(want.length, have.length); i++)
		if (JSON.stringify(want[i]) !== JSON.stringify(have[i]))
			return `interval ${i}: oracle ${JSON.stringify(want[i])}, lien ${JSON.stringify(have[i])}`;
	return null;
}

let agree = 0, failed = 0;
const disagreeing = new Set();
for (const c of cases) {
	const got = ours.get(c.value);
	const diff = c.valid === got.valid && (!c.valid || JSON.stringify(c.open_intervals) === JSON.stringify(got.open_intervals))
		? null : describe(c, got);
	if (!diff) {
		agree++;
		if (known.has(c.value)) {
			console.log(`FAIL hours: listed as a known difference but now agrees: ${JSON.stringify(c.value)}`);
			failed++;
		}
		continue;
	}
	disagreeing.add(c.value);
	if (known.has(c.value)) {
		console.log(`known hours: ${JSON.stringify(c.value)}: ${diff}\n      why: ${known.get(c.value)}`);
	} else {
		console.log(`FAIL hours: ${JSON.stringify(c.value)}: ${diff}`);
		failed++;
	}
}
for (const v of known.keys()) {
	if (!ours.has(v)) {
		console.log(`FAIL hours: known-differences.tsv lists a value that is not in the oracle: ${JSON.stringify(v)}`);
		failed++;
	}
}
const ratio = agree / cases.length;
console.log(`agreement: ${agree}/${cases.length} (${(100 * ratio).toFixed(2)} %), ` +
	`${disagreeing.size} difference(s), ${[...disagreeing].filter((v) => known.has(v)).length} of them listed ` +
	`in known-differences.tsv; threshold ${100 * MIN_AGREEMENT} %`);
if (ratio < MIN_AGREEMENT) {
	console.log(`FAIL hours: agreement below ${100 * MIN_AGREEMENT} %`);
	failed++;
}
console.log(`${agree} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
