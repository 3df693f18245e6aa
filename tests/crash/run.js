#!/usr/bin/env node
/*
 * Crash consistency: under a write load (new files, journal entries with
 * private notes and tasks), `lien serve` is killed with SIGKILL at a random
 * moment, again and again. After each kill: every write the server
 * acknowledged (a 303 to the new file or entry) is in the database,
 * PRAGMA integrity_check says ok, and `lien audit verify` accepts the
 * chain. One result line per round; "N passed, N failed" at the end.
 *
 *   CRASH_ROUNDS (default 100)   LIEN_BIN (default build/lien)
 * Node 20 built-ins only; every request goes to 127.0.0.1.
 */
'use strict';
const backend = require('../lib/backend');

const { request, form, cookieOf, csrfOf } = require('../lib/http');
const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.resolve(ROOT, process.env.LIEN_BIN || 'build/lien');
const ROUNDS = Number(process.env.CRASH_ROUNDS || 100);
const PW = 'Tournesol-Bleu-2026';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lien-crash-'));
const DB = path.join(dir, 'c.db');

function lien(...args) {
	const r = cp.spawnSync(BIN, [...args, '--db', DB], { encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error(`lien ${args.join(' ')}: ${r.stderr}`);
	return r.stdout;
}

function sql(q) {
	const r = cp.spawnSync('sqlite3', [DB, q], { encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error(`sqlite3: ${r.stderr}`);
	return r.stdout.trim();
}


function start() {
	return new Promise((resolve, reject) => {
		const p = cp.spawn(BIN, ['serve', '--db', DB, '--listen', '127.0.0.1:0', '--login-delay', '0'],
			{ stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		const t = setTimeout(() => reject(new Error('server did not start: ' + out)), 20000);
		p.stdout.on('data', (d) => {
			out += d;
			const m = /127\.0\.0\.1:(\d+)\//.exec(out);
			if (m) {
				clearTimeout(t);
				resolve({ proc: p, port: Number(m[1]) });
			}
		});
		p.stderr.on('data', () => {});
		p.on('exit', () => clearTimeout(t));
	});
}

async function login(port) {
	const page = await request(port, 'GET', '/connexion');
	const pre = cookieOf(page, 'lien_pre');
	const r = await request(port, 'POST', '/connexion', {
		cookie: `lien_pre=${pre}`,
		body: form({ csrf: pre, identifiant: 'crash.ts', mot_de_passe: PW }),
	});
	const session = cookieOf(r, 'lien_session');
	if (r.status !== 303 || !session)
		throw new Error(`login: ${r.status}`);
	const cookie = `lien_session=${session}`;
	const home = await request(port, 'GET', '/compte', { cookie });
	return { cookie, csrf: csrfOf(home.body) };
}

async function main() {
	let passed = 0, failed = 0;
	lien('init');
	lien('structure', 'add', 'CCAS de Crashville');
	lien('user', 'add', '--structure', '1', '--login', 'crash.ts', '--name', 'Camille Test', '--role', 'travailleur_social', '--password', PW);
	const acked = { persons: [], entries: [] };
	let seq = 0;
	for (let round = 1; round <= ROUNDS; round++) {
		let srv;
		try {
			srv = await start();
			const { cookie, csrf } = await login(srv.port);
			/* Writers run until the kill; what they were told is recorded. */
			let stop = false;
			const writer = async () => {
				while (!stop) {
					const n = ++seq;
					const name = `Crash${n}`;
					try {
						const r = await request(srv.port, 'POST', '/personnes', { cookie, body: form({
							csrf, birth_name: name, first_names: 'Alix', birth_date: '01/02/1990',
							preferred_channel: 'courrier', protection: 'aucune', info_date: '01/01/2026',
							info_method: 'paper', autre_personne: '1' }) });
						const m = /\/personnes\/(\d+)$/.exec(r.headers.location || '');
						if (r.status !== 303 || !m)
							continue;
						acked.persons.push(name);
						const id = m[1];
						const e = await request(srv.port, 'POST', `/personnes/${id}/journal`, { cookie, body: form({
							csrf, medium: 'telephone', kind: 'entretien', duration: '10',
							summary: `entry-${name}`, private_note: 'note', task_text: `task-${name}` }) });
						if (e.status === 303)
							acked.entries.push(`entry-${name}`);
					} catch (err) {
						/* The connection died with the server: nothing acknowledged. */
					}
				}
			};
			const writers = [writer(), writer()];
			await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 400)));
			srv.proc.kill('SIGKILL');
			stop = true;
			await new Promise((r) => srv.proc.on('exit', r));
			await Promise.all(writers);

			const problems = [];
			/* SQLite's own check of the file (PostgreSQL, not killed here,
			 * has its pages checked by itself). */
			const integrity = backend.onPostgres ? null : sql('PRAGMA integrity_check');
			if (integrity !== null && integrity !== 'ok')
				problems.push(`integrity_check: ${integrity}`);
			const names = new Set(sql('SELECT birth_name FROM persons').split('\n'));
			const lost = acked.persons.filter((n) => !names.has(n));
			if (lost.length)
				problems.push(`${lost.length} acknowledged file(s) lost: ${lost.slice(0, 3).join(', ')}`);
			const entries = new Set(sql('SELECT summary FROM journal_entries').split('\n'));
			const lostE = acked.entries.filter((s) => !entries.has(s));
			if (lostE.length)
				problems.push(`${lostE.length} acknowledged entr(ies) lost`);
			/* An entry and its task are one transaction: never one without the other. */
			const orphans = sql("SELECT count(*) FROM journal_entries e WHERE e.summary LIKE 'entry-%' AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.entry_id = e.id)");
			if (orphans !== '0')
				problems.push(`${orphans} entr(ies) without their task`);
			const v = cp.spawnSync(BIN, ['audit', 'verify', '--db', DB], { encoding: 'utf8' });
			if (v.status !== 0)
				problems.push(`audit verify: ${v.stderr.trim()}`);
			if (problems.length) {
				failed++;
				console.log(`FAIL crash: round ${round} — ${problems.join('; ')}`);
			} else {
				passed++;
				console.log(`ok   crash: round ${round} (killed after ${acked.persons.length} files, ${acked.entries.length} entries acknowledged in all)`);
			}
		} catch (e) {
			failed++;
			console.log(`FAIL crash: round ${round} — ${e.message}`);
			if (srv)
				srv.proc.kill('SIGKILL');
		}
	}
	console.log(`${passed} passed, ${failed} failed`);
	fs.rmSync(dir, { recursive: true, force: true });
	process.exit(failed ? 1 : 0);
}

main().catch((e) => {
	console.log(`FAIL crash: ${e.message}`);
	console.log('0 passed, 1 failed');
	process.exit(1);
});
