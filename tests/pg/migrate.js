#!/usr/bin/env node
/*
 * Moving an instance to PostgreSQL and keeping it safe there:
 *   lien migrate-db --from FILE.db --to postgres://…   (every table compared
 *     here again, row by row, by sqlite3 and psql themselves)
 *   lien backup / lien restore on PostgreSQL (pg_dump inside the encrypted
 *     file, with the documents)
 * Needs LIEN_TEST_PG (a server's base URL, see tests/pg/cluster.sh).
 * Prints "ok   pg-migrate: NAME" or "FAIL …" per test, then "N passed, N failed".
 */
'use strict';

const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.resolve(ROOT, process.env.LIEN_BIN || 'build/lien');
const PG = process.env.LIEN_TEST_PG;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lien-pg-migrate-'));
let passed = 0, failed = 0;

function check(name, fn) {
	try {
		fn();
		console.log(`ok   pg-migrate: ${name}`);
		passed++;
	} catch (e) {
		console.log(`FAIL pg-migrate: ${name} — ${e.message}`);
		failed++;
	}
}
function assert(c, msg) {
	if (!c)
		throw new Error(msg);
}
function eq(got, want, what) {
	assert(got === want, `${what}: ${got} ≠ ${want}`);
}
function run(cmd, args, opts = {}) {
	const r = cp.spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120000, ...opts });
	if (r.error)
		throw r.error;
	return r;
}
function ok(cmd, args) {
	const r = run(cmd, args);
	assert(r.status === 0, `${path.basename(cmd)} ${args.join(' ')}: exit ${r.status}: ${r.stderr.trim()}`);
	return r.stdout;
}
const lien = (...a) => run(BIN, a);
const url = (name) => `${PG}/${name}`;
function createDb(name) {
	ok('psql', ['-X', '-q', '-d', url('postgres'), '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`,
		'-c', `CREATE DATABASE ${name} TEMPLATE template0 LOCALE 'C.UTF-8'`]);
}
const psql = (name, q) => ok('psql', ['-X', '-q', '-A', '-t', '-d', url(name), '-c', q]).trim();
const sqlite = (file, q) => ok('sqlite3', ['-json', file, q]).trim();

/* A table's rows as both engines give them, in key order, compared as
 * JSON values (numbers as numbers, blobs as hex). */
function rowsSqlite(file, table, cols, order) {
	const sel = cols.map((c) => (c.blob ? `CASE WHEN "${c.name}" IS NULL THEN NULL ELSE hex("${c.name}") END AS "${c.name}"` : `"${c.name}"`)).join(', ');
	const out = sqlite(file, `SELECT ${sel} FROM "${table}" ORDER BY ${order}`);
	return out ? JSON.parse(out) : [];
}
function rowsPg(name, table, cols, order) {
	const sel = cols.map((c) => (c.blob ? `upper(encode("${c.name}", 'hex')) AS "${c.name}"` : `"${c.name}"`)).join(', ');
	const out = psql(name, `SELECT coalesce(json_agg(t), '[]') FROM (SELECT ${sel} FROM "${table}" ORDER BY ${order}) AS t`);
	return JSON.parse(out);
}
function same(a, b) {
	if (typeof a === 'number' && typeof b === 'number')
		return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
	return a === b || (a === null && b === null);
}

if (!PG) {
	console.log('FAIL pg-migrate: LIEN_TEST_PG is not set (a PostgreSQL server is needed)');
	console.log('0 passed, 1 failed');
	process.exit(1);
}

const SRC = path.join(dir, 's.db');
const KEY = path.join(dir, 's.key');
const samples = path.join(ROOT, 'tests', 'directory', 'samples');

check('a SQLite instance with every kind of data: demo, the services directory, a tampered-proof audit chain', () => {
	ok(BIN, ['init', '--db', SRC]);
	ok(BIN, ['demo', '--db', SRC, '--persons', '200', '--events', '2000']);
	ok(BIN, ['import', 'services', path.join(samples, 'lmn-20240320-nouvelle-caledonie.SANITIZED.json'), '--db', SRC]);
	const n = Number(ok('sqlite3', [SRC, 'SELECT count(*) FROM dir_services']).trim());
	assert(n > 0, 'services imported');
});

check('migrate-db copies every table; each compared row by row by sqlite3 and psql', () => {
	createDb('lt_migrate');
	const out = ok(BIN, ['migrate-db', '--from', SRC, '--to', url('lt_migrate'), '--key', KEY]);
	assert(/vérifiée/.test(out), `summary line: ${out.slice(-200)}`);
	const tables = ok('sqlite3', [SRC, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' " +
		"AND name <> 'schema_version' AND name NOT LIKE '%fts%' ORDER BY name"]).trim().split('\n');
	assert(tables.length > 30, `tables: ${tables.length}`);
	let rows = 0;
	for (const t of tables) {
		const info = JSON.parse(sqlite(SRC, `SELECT name, type, pk FROM pragma_table_info('${t}')`));
		const cols = info.map((c) => ({ name: c.name, blob: /BLOB/i.test(c.type) }));
		const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => `"${c.name}"`);
		const order = (pk.length ? pk : cols.map((c) => `"${c.name}"`)).join(', ');
		const a = rowsSqlite(SRC, t, cols, order), b = rowsPg('lt_migrate', t, cols, order);
		assert(a.length === b.length, `${t}: ${a.length} rows in SQLite, ${b.length} in PostgreSQL`);
		for (let i = 0; i < a.length; i++)
			for (const c of cols)
				assert(same(a[i][c.name], b[i][c.name]),
					`${t} row ${i + 1} column ${c.name}: ${JSON.stringify(a[i][c.name])} ≠ ${JSON.stringify(b[i][c.name])}`);
		rows += a.length;
	}
	assert(rows > 5000, `rows compared: ${rows}`);
});

check('the copy is a working instance: audit chain verified, new ids after the copied ones', () => {
	const v = lien('audit', 'verify', '--db', url('lt_migrate'), '--key', KEY);
	assert(v.status === 0, `audit verify: ${v.stderr}`);
	const max = Number(psql('lt_migrate', 'SELECT max(id) FROM structures'));
	ok(BIN, ['structure', 'add', 'Après la copie', '--db', url('lt_migrate'), '--key', KEY]);
	const id = Number(psql('lt_migrate', "SELECT id FROM structures WHERE name = 'Après la copie'"));
	assert(id === max + 1, `new structure id ${id} after ${max}`);
	const r = lien('audit', 'verify', '--db', url('lt_migrate'), '--key', KEY);
	assert(r.status === 0, 'audit verify after a write');
});

check('a new PostgreSQL database gets the same Paris calendar as SQLite (the report\'s days)', () => {
	createDb('lt_calendar');
	ok(BIN, ['init', '--db', url('lt_calendar'), '--key', path.join(dir, 'cal.key')]);
	const q = "SELECT day || ':' || starts || ':' || month FROM report_calendar ORDER BY day";
	const a = ok('sqlite3', [SRC, q]).trim(), b = psql('lt_calendar', q);
	assert(a.split('\n').length > 100000, `calendar rows: ${a.split('\n').length}`);
	assert(a === b, 'the calendars differ');
});

check('after edits and deletions on PostgreSQL, the report from aggregates equals the recount', () => {
	const db = url('lt_migrate');
	const sid = psql('lt_migrate', "SELECT structure_id FROM users WHERE login = 'travailleur.demo'");
	/* Sites (migration 018): entries given one, some moved to another or
	 * to none, before the edits below move and delete others. */
	psql('lt_migrate', `INSERT INTO sites(structure_id, name) VALUES (${sid}, 'Site A'), (${sid}, 'Site B')`);
	const [sa, sb] = psql('lt_migrate', `SELECT id FROM sites WHERE structure_id = ${sid} AND name IN ('Site A', 'Site B') ORDER BY name`).split('\n');
	psql('lt_migrate', `UPDATE journal_entries SET site_id = CASE WHEN id % 3 = 0 THEN ${sa} ELSE ${sb} END WHERE structure_id = ${sid} AND id % 5 <> 0`);
	psql('lt_migrate', `UPDATE journal_entries SET site_id = CASE WHEN id % 2 = 0 THEN NULL ELSE ${sa} END WHERE structure_id = ${sid} AND id % 13 = 0`);
	/* Triggers at work: entries moved in time and to another kind, some deleted. */
	psql('lt_migrate', "UPDATE journal_entries SET at = at - 86400 * 40, kind = 'visite' WHERE id % 7 = 0");
	psql('lt_migrate', 'DELETE FROM journal_entries WHERE id % 11 = 0 AND id NOT IN (SELECT entry_id FROM tasks WHERE entry_id IS NOT NULL)');
	/* Files corrected: the people counted per year (migration 015) move. */
	psql('lt_migrate', "UPDATE persons SET birth_date = '1950-06-15', civilite = 'Mme', commune_name = 'Lyon' WHERE id % 5 = 0");
	/* Two years (people read one by one), and one calendar year with its
	 * previous one (people counted on write). */
	for (const [from, to] of [['01/01/2025', '31/12/2026'], ['01/01/2026', '31/12/2026']]) {
		const args = ['report', 'activity', '--db', db, '--key', KEY, '--structure', sid, '--from', from, '--to', to];
		for (const site of [[], ['--site', sa], ['--site', sb]]) {
			const agg = ok(BIN, [...args, ...site]), raw = ok(BIN, [...args, ...site, '--recount']);
			assert(/\d/.test(agg) && agg.length > 500, `report: ${agg.slice(0, 200)}`);
			assert(agg === raw, `${from}–${to} ${site.join(' ')}: aggregates and recount differ`);
			/* A site's report counts entries, not nothing. */
			assert(!site.length || !/Échanges notés +0 +0$/m.test(agg), `${site.join(' ')}: no entries`);
		}
	}
});

check('migrate-db refuses a target that is not empty, and changes nothing in it', () => {
	const before = psql('lt_migrate', 'SELECT count(*) FROM persons');
	const r = lien('migrate-db', '--from', SRC, '--to', url('lt_migrate'));
	assert(r.status === 1, `exit ${r.status}`);
	assert(/n'est pas vide/.test(r.stderr), r.stderr);
	assert(psql('lt_migrate', 'SELECT count(*) FROM persons') === before, 'rows changed');
});

check('a value PostgreSQL cannot take stops the copy with the table named, and the target stays empty', () => {
	const bad = path.join(dir, 'bad.db');
	fs.copyFileSync(SRC, bad);
	ok('sqlite3', [bad, "UPDATE persons SET created_at = 'hier' WHERE id = (SELECT min(id) FROM persons)"]);
	createDb('lt_migrate_bad');
	const r = lien('migrate-db', '--from', bad, '--to', url('lt_migrate_bad'));
	assert(r.status === 1, `exit ${r.status}`);
	assert(/persons/.test(r.stderr) && /hier/.test(r.stderr), `message: ${r.stderr.trim()}`);
	eq0(psql('lt_migrate_bad', 'SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()'));
});
function eq0(v) {
	assert(v === '0', `tables left in the target: ${v}`);
}

check('migrate-db wants a postgres:// target and an up-to-date source', () => {
	const r = lien('migrate-db', '--from', SRC, '--to', path.join(dir, 'autre.db'));
	assert(r.status === 1 && /PostgreSQL/.test(r.stderr), r.stderr);
	const u = lien('migrate-db', '--from', SRC);
	assert(u.status === 2, `usage: exit ${u.status}`);
});

check('backup of a PostgreSQL instance (pg_dump inside the encrypted file), restored into a new database', () => {
	const file = path.join(dir, 'pg.lien');
	ok(BIN, ['backup', '--db', url('lt_migrate'), '--key', KEY, '--to', file]);
	const head = fs.readFileSync(file).subarray(0, 8).toString('latin1');
	assert(head === 'LIENBK02', `header ${head}`);
	assert(!fs.readFileSync(file).includes(Buffer.from('Après la copie')), 'the backup is not encrypted');
	createDb('lt_restored');
	ok(BIN, ['restore', '--from', file, '--to', url('lt_restored'), '--key', KEY, '--documents', path.join(dir, 'docs-r')]);
	/* Every table, row for row: a digest of its rows as text, in one order. */
	const tables = psql('lt_migrate', 'SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1').split('\n');
	assert(tables.length > 30, `tables: ${tables.length}`);
	const digest = (db, t) => psql(db, `SELECT count(*) || ' ' || md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) FROM "${t}" x`);
	for (const t of tables)
		eq(digest('lt_restored', t), digest('lt_migrate', t), `table ${t}`);
	const v = lien('audit', 'verify', '--db', url('lt_restored'), '--key', KEY);
	assert(v.status === 0, `audit verify of the restored database: ${v.stderr}`);
});

check('restore refuses a wrong key, a non-empty target, and a backup of the other kind', () => {
	const file = path.join(dir, 'pg.lien');
	const other = path.join(dir, 'other.key');
	fs.writeFileSync(other, '00'.repeat(32) + '\n', { mode: 0o600 });
	createDb('lt_restored2');
	const k = lien('restore', '--from', file, '--to', url('lt_restored2'), '--key', other);
	assert(k.status === 1 && /clé/.test(k.stderr), `wrong key: ${k.stderr}`);
	eq0(psql('lt_restored2', 'SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()'));
	const n = lien('restore', '--from', file, '--to', url('lt_restored'), '--key', KEY);
	assert(n.status === 1 && /n'est pas vide/.test(n.stderr), `non-empty: ${n.stderr}`);
	const s = lien('restore', '--from', file, '--to', path.join(dir, 'x.db'), '--key', KEY);
	assert(s.status === 1 && /PostgreSQL/.test(s.stderr), `into a file: ${s.stderr}`);
	assert(!fs.existsSync(path.join(dir, 'x.db')), 'a file was left');
	const sqliteBackup = path.join(dir, 'sqlite.lien');
	ok(BIN, ['backup', '--db', SRC, '--to', sqliteBackup]);
	const p = lien('restore', '--from', sqliteBackup, '--to', url('lt_restored2'), '--key', KEY);
	assert(p.status === 1 && /migrate-db/.test(p.stderr), `SQLite backup into PostgreSQL: ${p.stderr}`);
});

console.log(`${passed} passed, ${failed} failed`);
if (!failed)
	fs.rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
