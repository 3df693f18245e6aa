#!/usr/bin/env node
/*
 * A full disk and a read-only database: `lien serve` runs on a small tmpfs.
 *  - Disk full: a file fills the rest of the disk; creating a file and
 *    writing a journal entry are refused with a page that says what
 *    happened, the database keeps exactly what it had (no half-written
 *    record), the server keeps answering; once the filler is removed the
 *    same writes succeed, without restarting the server.
 *  - Read-only: the file system is remounted read-only; writes are refused
 *    with the same kind of page; remounted read-write, the server recovers.
 * After each phase PRAGMA integrity_check is ok and the audit chain verifies.
 * Needs the right to mount a tmpfs (root, as in CI), or user namespaces
 * (`unshare -rm` runs this script again inside one).
 * Node 20 built-ins only; "N passed, N failed" at the end.
 */
'use strict';

const { request, form, cookieOf, csrfOf } = require('../lib/http');
const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.resolve(ROOT, process.env.LIEN_BIN || 'build/lien');
const PW = 'Tournesol-Bleu-2026';
let passed = 0, failed = 0;

function result(ok, name, detail) {
	if (ok) {
		passed++;
		console.log(`ok   ${name}`);
	} else {
		failed++;
		console.log(`FAIL ${name}${detail ? ` — ${detail}` : ''}`);
	}
}

function sh(cmd, args) {
	return cp.spawnSync(cmd, args, { encoding: 'utf8' });
}

/* A tmpfs of 24 MiB: mounted directly (root), else report why not. */
function mountTmpfs(dir) {
	const r = sh('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0700', 'tmpfs', dir]);
	return r.status === 0 ? null : (r.stderr || 'mount failed').trim();
}

async function main() {
	const base = fs.mkdtempSync(path.join(os.tmpdir(), 'lien-disk-'));
	const why = mountTmpfs(base);
	if (why) {
		/* Not root: try again in a user namespace where we may mount. */
		if (!process.env.LIEN_DISK_NS) {
			const r = cp.spawnSync('unshare', ['-rm', process.execPath, __filename], {
				stdio: 'inherit', env: { ...process.env, LIEN_DISK_NS: '1' } });
			fs.rmSync(base, { recursive: true, force: true });
			if (r.status === null || r.error) {
				console.log(`FAIL disk suite — cannot mount a tmpfs (${why}) nor use unshare`);
				console.log('0 passed, 1 failed');
				process.exit(1);
			}
			process.exit(r.status);
		}
		console.log(`FAIL disk suite — cannot mount a tmpfs: ${why}`);
		console.log('0 passed, 1 failed');
		process.exit(1);
	}
	const DB = path.join(base, 'd.db');
	const lien = (...args) => {
		const r = cp.spawnSync(BIN, [...args, '--db', DB], { encoding: 'utf8' });
		if (r.status !== 0)
			throw new Error(`lien ${args.join(' ')}: ${r.stderr}`);
		return r.stdout;
	};
	const sql = (q) => sh('sqlite3', [DB, q]).stdout.trim();
	let srv = null;
	try {
		lien('init');
		lien('structure', 'add', 'CCAS du Disque');
		lien('user', 'add', '--structure', '1', '--login', 'disk.ts', '--name', 'Dominique Disque', '--role',
			'travailleur_social', '--password', PW);
		srv = cp.spawn(BIN, ['serve', '--db', DB, '--listen', '127.0.0.1:0', '--login-delay', '0'],
			{ stdio: ['ignore', 'pipe', 'pipe'] });
		const port = await new Promise((resolve, reject) => {
			let out = '';
			const t = setTimeout(() => reject(new Error('server did not start: ' + out)), 20000);
			srv.stdout.on('data', (d) => {
				out += d;
				const m = /127\.0\.0\.1:(\d+)\//.exec(out);
				if (m) {
					clearTimeout(t);
					resolve(Number(m[1]));
				}
			});
			srv.stderr.on('data', () => {});
		});
		const page = await request(port, 'GET', '/connexion');
		const pre = cookieOf(page, 'lien_pre');
		const lr = await request(port, 'POST', '/connexion', { cookie: `lien_pre=${pre}`,
			body: form({ csrf: pre, identifiant: 'disk.ts', mot_de_passe: PW }) });
		const cookie = `lien_session=${cookieOf(lr, 'lien_session')}`;
		const csrf = csrfOf((await request(port, 'GET', '/compte', { cookie })).body);
		let n = 0;
		const createFile = async () => request(port, 'POST', '/personnes', { cookie, body: form({ csrf,
			birth_name: `Disque${++n}`, first_names: 'Alix', birth_date: '01/02/1990', preferred_channel: 'courrier',
			protection: 'aucune', info_date: '01/01/2026', info_method: 'paper', autre_personne: '1' }) });
		const addEntry = async (id, text) => request(port, 'POST', `/personnes/${id}/journal`, { cookie,
			body: form({ csrf, medium: 'telephone', kind: 'entretien', duration: '10', summary: text }) });
		const counts = () => sql('SELECT (SELECT count(*) FROM persons) || \'/\' || (SELECT count(*) FROM journal_entries) ' +
			'|| \'/\' || (SELECT count(*) FROM person_names)');
		const healthy = (phase) => {
			result(sql('PRAGMA integrity_check') === 'ok', `${phase}: integrity_check ok`);
			const v = cp.spawnSync(BIN, ['audit', 'verify', '--db', DB], { encoding: 'utf8' });
			result(v.status === 0, `${phase}: audit chain verifies`, v.stderr);
		};
		const refusedClearly = (r, what) => {
			result(r.status >= 500 && r.status < 600 && /disque du serveur est plein|lecture seule/.test(r.body),
				`${what}: refused with a page that says why`, `got ${r.status}: ${(r.body || '').replace(/\s+/g, ' ').slice(0, 300)}`);
		};

		const first = await createFile();
		const firstId = (/\/personnes\/(\d+)$/.exec(first.headers.location || '') || [])[1];
		result(first.status === 303 && firstId, 'a file is created while the disk has room', `got ${first.status}`);
		/* Some history, so that the database has pages to grow into. */
		for (let i = 0; i < 20; i++)
			await addEntry(firstId, `Avant ${i} ` + 'x'.repeat(2000));

		/* ---- disk full ---- */
		const filler = path.join(base, 'filler');
		sh('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k', 'status=none']);
		const before = counts();
		let refused = null;
		for (let i = 0; i < 40 && !refused; i++) {
			const r = await createFile();
			if (r.status !== 303)
				refused = r;
			else
				n += 0; /* the WAL had room for this one: fill it */
		}
		if (!refused)
			result(false, 'disk full: a write is eventually refused', 'every write succeeded');
		else
			refusedClearly(refused, 'disk full: creating a file');
		const afterRefusal = counts();
		const e = await addEntry(firstId, 'Pendant ' + 'y'.repeat(15000));
		if (e.status !== 303)
			refusedClearly(e, 'disk full: writing a journal entry');
		const still = counts();
		/* Nothing half-written: files and their name index move together. */
		const [p, , names] = still.split('/').map(Number);
		result(Number(sql('SELECT count(*) FROM persons p WHERE NOT EXISTS (SELECT 1 FROM person_names n WHERE n.person_id = p.id)')) === 0,
			'disk full: no file without its name index (nothing half-written)', `counts ${before} → ${afterRefusal} → ${still}`);
		result(p >= 1 && names >= p, 'disk full: the database still holds what was acknowledged', still);
		const health = await request(port, 'GET', '/sante');
		result(health.status === 200, 'disk full: the server keeps answering', `got ${health.status}`);
		fs.rmSync(filler);
		const again = await createFile();
		result(again.status === 303, 'disk full: once space returns, the same write succeeds (no restart)', `got ${again.status}`);
		const again2 = await addEntry(firstId, 'Après');
		result(again2.status === 303, 'disk full: journal entries are written again', `got ${again2.status}`);
		healthy('after disk full');

		/* ---- read-only ----
		 * Linux refuses to remount a file system read-only while a file on
		 * it is open for writing, so the server is stopped first: on a
		 * read-only medium it refuses to start, with a message that says
		 * why, and writes nothing; once the medium is writable it starts. */
		srv.kill('SIGTERM');
		await new Promise((r) => srv.on('exit', r));
		srv = null;
		const beforeRo = counts();
		const ro = sh('mount', ['-o', 'remount,ro', base]);
		result(ro.status === 0, 'read-only: the file system is remounted read-only', ro.stderr);
		const refusedStart = cp.spawnSync(BIN, ['serve', '--db', DB, '--listen', '127.0.0.1:0'], { encoding: 'utf8', timeout: 20000 });
		result(refusedStart.status !== 0 && /accessible en écriture|lecture seule/.test(refusedStart.stderr),
			'read-only: the server refuses to start and says why', `exit ${refusedStart.status}: ${refusedStart.stderr}`);
		const cli = cp.spawnSync(BIN, ['user', 'add', '--structure', '1', '--login', 'ro.user', '--name', 'Lecture Seule',
			'--role', 'accueil', '--password', PW, '--db', DB], { encoding: 'utf8' });
		result(cli.status !== 0 && cli.stderr.trim().split('\n').length === 1, 'read-only: a command that writes fails with one clear line',
			`exit ${cli.status}: ${cli.stderr}`);
		const rw = sh('mount', ['-o', 'remount,rw', base]);
		result(rw.status === 0, 'read-only: remounted read-write', rw.stderr);
		result(counts() === beforeRo, 'read-only: nothing changed', `${beforeRo} → ${counts()}`);
		healthy('after read-only');
	} catch (err) {
		result(false, 'disk suite', err.stack);
	} finally {
		if (srv)
			srv.kill('SIGTERM');
		await new Promise((r) => setTimeout(r, 300));
		sh('umount', ['-l', base]);
		fs.rmSync(base, { recursive: true, force: true });
	}
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

main();
