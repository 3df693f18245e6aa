'use strict';
/*
 * Runs a suite against PostgreSQL instead of SQLite, unchanged. Required at
 * the top of a suite; a no-op unless LIEN_TEST_PG names a server
 * ("postgres://lien@127.0.0.1:54329", see tests/pg/cluster.sh).
 *
 * The suites name their databases by file ("…/t.db") and read them with
 * the sqlite3 shell. Here every `lien … --db X.db` becomes
 * `--db postgres://…/lt_<hash of X> --key X.key` (`lien init` creates that
 * database afresh), and every `sqlite3 X.db QUERY` runs QUERY through psql
 * on it, with the few SQLite functions the tests use written the
 * PostgreSQL way. What only makes sense on a file (copying it, PRAGMA) is
 * reported by the suite as not run on PostgreSQL, never as passed.
 */
const cp = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');

const PG = process.env.LIEN_TEST_PG || '';
const BIN = path.resolve(path.resolve(__dirname, '..', '..'), process.env.LIEN_BIN || 'build/lien');

function dbName(file) {
	return 'lt_' + crypto.createHash('sha1').update(path.resolve(file)).digest('hex').slice(0, 20);
}

function urlOf(file) {
	return `${PG}/${dbName(file)}`;
}

const realSpawnSync = cp.spawnSync;
const realSpawn = cp.spawn;

function psql(file, args, opts) {
	return realSpawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', file ? urlOf(file) : `${PG}/postgres`, ...args],
		{ encoding: 'utf8', ...opts });
}

function createDatabase(file) {
	const name = dbName(file);
	const r = psql(null, ['-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, '-c', `CREATE DATABASE ${name}`]);
	if (r.status !== 0)
		throw new Error(`psql: ${r.stderr}`);
}

/* `lien ARGS`: the database file becomes a PostgreSQL database, its key
 * stays a file beside where the database would have been. */
function lienArgs(args) {
	const out = [...args];
	if (!PG)
		return out;
	const i = out.indexOf('--db');
	if (i < 0 || i + 1 >= out.length || /^postgres/.test(out[i + 1]))
		return out;
	const file = out[i + 1];
	if (out[0] === 'init')
		createDatabase(file);
	out[i + 1] = urlOf(file);
	if (!out.includes('--key'))
		out.push('--key', file.replace(/\.[^./]*$/, '') + '.key');
	return out;
}

/* The SQLite spellings the tests use, in PostgreSQL. */
function translate(q) {
	return q
		.replace(/strftime\('%s',\s*'now'\)/g, 'extract(epoch from now())::bigint')
		.replace(/date\('now',\s*'([+-]\d+) days?'\)/g, "to_char(current_date + ($1), 'YYYY-MM-DD')")
		.replace(/date\('now'\)/g, "to_char(current_date, 'YYYY-MM-DD')")
		.replace(/group_concat\(([^,()]+(?:\([^()]*\))?[^,()]*),\s*('[^']*')\)/g, 'string_agg(($1)::text, $2)')
		.replace(/group_concat\(([^()]+)\)/g, "string_agg(($1)::text, ',')")
		.replace(/instr\(hex\((\w+)\),\s*('[^']*')\)/g, "strpos(upper(encode($1, 'hex')), upper($2))")
		.replace(/\bhex\((\w+)\)/g, "upper(encode($1, 'hex'))")
		.replace(/\bGLOB '([^']*)'/g, (m, g) => `~ '^${g.replace(/\*/g, '.*').replace(/\?/g, '.')}$'`)
		.replace(/;\s*SELECT last_insert_rowid\(\);?\s*$/, ' RETURNING id')
		.replace(/DROP TRIGGER (mandate_acts_\w+)/g, 'DROP TRIGGER $1 ON mandate_acts');
}

/* sqlite3 [-batch] [-cmd .timeout N] [-json] FILE QUERY */
function sqlite3Args(args) {
	let json = false, file = null, query = null;
	for (let i = 0; i < args.length; i++) {
		const a = args[i];
		if (a === '-batch')
			continue;
		if (a === '-cmd') {
			i++;
			continue;
		}
		if (a === '-json') {
			json = true;
			continue;
		}
		if (file === null)
			file = a;
		else
			query = a;
	}
	return { json, file, query };
}

/* A copy of the database under another name (pg_dump into a new one). */
function copyDatabase(from, to) {
	createDatabase(to);
	const dump = realSpawnSync('pg_dump', ['-d', urlOf(from)], { encoding: 'utf8', maxBuffer: 1 << 30 });
	if (dump.status !== 0)
		return dump;
	return psql(to, ['-f', '-'], { input: dump.stdout });
}

function runSqlite3(args, opts) {
	const { json, file, query } = sqlite3Args(args);
	const vacuum = /^\s*VACUUM INTO '([^']+)'\s*;?\s*$/i.exec(query || '');
	if (vacuum)
		return copyDatabase(file, vacuum[1]);
	const read = /^\.read (.+)$/.exec(query || '');
	if (read) {
		const r = psql(file, ['-f', read[1]], opts);
		return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, error: r.error };
	}
	if (!query || /^\s*(PRAGMA|\.)/i.test(query))
		return { status: 2, stdout: '', stderr: `not on PostgreSQL: ${query}`, signal: null, error: undefined };
	let q = translate(query.trim().replace(/;\s*$/, ''));
	if (json)
		q = `SELECT coalesce(json_agg(t), '[]') FROM (${q}) AS t`;
	const r = psql(file, ['-A', '-t', '-F', '|', '-c', q], opts);
	/* SQLite shows a comparison as 1 or 0, psql as t or f. */
	const out = json || typeof r.stdout !== 'string' ? r.stdout
		: r.stdout.split('\n').map((line) => line.split('|').map((v) => (v === 't' ? '1' : v === 'f' ? '0' : v)).join('|')).join('\n');
	return { status: r.status, signal: r.signal, stdout: out, stderr: r.stderr, error: r.error };
}

if (PG) {
	cp.spawnSync = function (cmd, args, opts) {
		if (cmd === 'sqlite3')
			return runSqlite3(args, opts);
		if (path.resolve(cmd) === BIN)
			return realSpawnSync(cmd, lienArgs(args), opts);
		return realSpawnSync(cmd, args, opts);
	};
	cp.spawn = function (cmd, args, opts) {
		if (path.resolve(cmd) === BIN)
			return realSpawn(cmd, lienArgs(args), opts);
		return realSpawn(cmd, args, opts);
	};
}

module.exports = { PG, onPostgres: !!PG, urlOf, lienArgs };
