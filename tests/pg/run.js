#!/usr/bin/env node
/*
 * Several Lien servers on one PostgreSQL database, behind nginx: what
 * issue 10 asks of a deployment that outgrows one machine. Node 20,
 * built-ins only.
 *
 *   LIEN_TEST_PG=postgres://lien@127.0.0.1:PORT LIEN_TEST_PG_DIR=DIR \
 *   LIEN_BIN=build-san/lien node tests/pg/run.js
 *
 * LIEN_TEST_PG is the base URL of a throw-away cluster (tests/pg/cluster.sh
 * start), LIEN_TEST_PG_DIR its folder (for `cluster.sh restart`). The suite
 * creates its own database there (and drops it when everything passed),
 * starts a real Kannel (tests/lib/kannel.js), two `lien serve` processes
 * and a private nginx (own prefix, pid and temp paths, `daemon off`) whose
 * upstream holds both servers, round robin.
 *
 * Tests, in this order:
 *   1. a session opened on one server works on the other, and through
 *      nginx (pages, forms with their CSRF token, logout seen by both);
 *   2. 1,000 SMS reminders queued in one transaction are sent exactly once
 *      in total by the two servers' senders (fakesmsc's log, and a relay in
 *      front of Kannel per server), both servers took part, and every
 *      delivery report (back through nginx, to either server) settles its row;
 *   3. 200 concurrent writes spread over both servers (and nginx) leave one
 *      valid audit chain (`lien audit verify`);
 *   4. the daily retention job runs on one server only: both servers reach
 *      their first housekeeping tick (60 s after start; serve has no option
 *      to make it shorter) with 1,500 files due and yesterday's claim in
 *      `jobs`: every file archived, one audit row each, one server's log;
 *      then `UPDATE jobs SET last_run` makes the claim old and the next tick
 *      runs it once more. Run before test 5: a background thread's first
 *      statement after a PostgreSQL restart fails (its connection is stale),
 *      so the tick after a restart is lost;
 *   5. PostgreSQL restarted while a load runs through both servers and
 *      nginx: the failures are 503 pages (no 500, hang or crash), both
 *      servers write again within seconds without being restarted, every
 *      acknowledged write (303) is in the database, reminders queued after
 *      the restart go out once, the audit chain verifies;
 *   6. a table locked by another PostgreSQL session (maintenance by hand):
 *      a page that reads it answers 503 after the lock timeout (10 s, set
 *      by src/db/pg.c), not a hang; the other server meanwhile answers a
 *      page that does not read it; once the lock goes, the page is back.
 *
 * Prints "ok   pg: NAME" or "FAIL pg: NAME — reason" per test, a few
 * figures (lines starting with spaces), then "N passed, N failed"; exits 1
 * on any failure; the whole run takes about 2 min 30 s (mostly waiting for
 * the housekeeping ticks). PG_ONLY=TEXT runs the tests whose name holds
 * TEXT; PG_SMS_N and PG_RETENTION_N size tests 2 and 4.
 */
'use strict';

const cp = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const {
	AssertionError, fail, assert, eq, has, hasNot, short, sleep, textOf, unescapeHtml, request, encodeForm, Client,
	csrfOf, hiddenFields, status, runTests, LienServer,
} = require('../lib/web');

/* A browser whose requests name their server: one session on A, B or nginx. */
class PortClient extends Client {
	constructor(jar) {
		super(null, jar);
	}

	req(port, method, urlPath, opts = {}) {
		return super.req(method, urlPath, { ...opts, port });
	}

	get(port, urlPath, opts) {
		return this.req(port, 'GET', urlPath, opts);
	}

	post(port, urlPath, fields, opts = {}) {
		return this.req(port, 'POST', urlPath, {
			...opts,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: encodeForm({ csrf: this.csrf, ...fields }),
		});
	}
}

const kannel = require('../lib/kannel.js');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.resolve(ROOT, process.env.LIEN_BIN || 'build/lien');
const PG = (process.env.LIEN_TEST_PG || '').replace(/\/+$/, '');
const PG_DIR = process.env.LIEN_TEST_PG_DIR || '';
const PW = 'Tournesol-Bleu-2026';
const STRUCT = 'CCAS de Lunel';
const SMS_N = Number(process.env.PG_SMS_N || 1000);
/* Files due for archiving, first round: enough for a run to last a few
 * seconds, so that a second server's run, were the claim not atomic,
 * would overlap it (and leave a second audit row per file). */
const RETENTION_N = Number(process.env.PG_RETENTION_N || 1500);
const RETENTION2_N = 25;    /* second round */
const CONCURRENT_N = 200;   /* test 4 */
const HOUSEKEEPING_S = 60;  /* src/cmd/serve.c: 30 ticks of 2 s */

/* ------------------------------------------------------------------ */
/* Harness                                                             */

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const nowS = () => Math.floor(Date.now() / 1000);

async function until(what, fn, ms = 10000, step = 100) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v)
			return v;
		if (Date.now() > end)
			fail(`${what} : rien après ${ms / 1000} s`);
		await sleep(step);
	}
}


/* A number as letters (names refuse digits): 0 → "Aa", 1 → "Ab"… */
function letters(n) {
	let s = '';
	do {
		s = String.fromCharCode(97 + (n % 26)) + s;
		n = Math.floor(n / 26);
	} while (n > 0);
	return 'A' + s.padStart(3, 'a');
}

/* ------------------------------------------------------------------ */
/* Processes                                                           */

let tmp, DBNAME, URL_, KEY;

function run(cmd, args, opts = {}) {
	const r = cp.spawnSync(cmd, args, { encoding: 'utf8', timeout: 120000, maxBuffer: 64 << 20, ...opts });
	if (r.error)
		throw r.error;
	return r;
}
function lienRun(...args) {
	return run(BIN, [...args, '--db', URL_, '--key', KEY]);
}
function lien(...args) {
	const r = lienRun(...args);
	if (r.status !== 0)
		fail(`lien ${args.join(' ')} : ${r.stderr.trim()}`);
	return r.stdout;
}
function psql(url, q) {
	return run('psql', ['-X', '-q', '-A', '-t', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', q]);
}
function sql(q) {
	const r = psql(URL_, q);
	if (r.status !== 0)
		fail(`psql ${short(q, 160)} : ${r.stderr.trim()}`);
	return r.stdout.trim();
}
const num = (q) => Number(sql(q));

const servers = [];
class Server extends LienServer {
	constructor(name, port, extra) {
		super(name, BIN, ['serve', '--db', URL_, '--key', KEY, ...extra], port, servers);
	}
}

/* A private nginx: upstream = both servers, round robin; each answer says
 * which server gave it (X-Upstream). */
async function startNginx(backends) {
	const bin = fs.existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
	const dir = path.join(tmp, 'nginx');
	fs.mkdirSync(path.join(dir, 'tmp'), { recursive: true });
	/* Under root the workers run as nobody: they must reach the temp paths. */
	fs.chmodSync(tmp, 0o755);
	fs.chmodSync(dir, 0o755);
	fs.chmodSync(path.join(dir, 'tmp'), 0o777);
	for (let attempt = 0; attempt < 10; attempt++) {
		const port = await kannel.freePort();
		const conf = `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path ${dir}/tmp/body;
	proxy_temp_path ${dir}/tmp/proxy;
	fastcgi_temp_path ${dir}/tmp/fastcgi;
	uwsgi_temp_path ${dir}/tmp/uwsgi;
	scgi_temp_path ${dir}/tmp/scgi;
	upstream lien {
${backends.map((p) => `		server 127.0.0.1:${p} max_fails=0;`).join('\n')}
	}
	server {
		listen 127.0.0.1:${port};
		location / {
			proxy_pass http://lien;
			proxy_http_version 1.1;
			proxy_set_header Host $host;
			proxy_set_header X-Forwarded-For $remote_addr;
			proxy_set_header X-Forwarded-Proto http;
			proxy_next_upstream off;
			proxy_read_timeout 60s;
			add_header X-Upstream $upstream_addr always;
		}
	}
}
`;
		fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
		const p = cp.spawn(bin, ['-p', dir + '/', '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')],
			{ stdio: ['ignore', 'ignore', 'pipe'] });
		let err = '';
		p.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
		p.exited = new Promise((r) => p.on('exit', r));
		for (let i = 0; i < 50; i++) {
			if (p.exitCode !== null || p.signalCode !== null)
				break;
			/* Any answer (a 502 while the servers are not up yet) means nginx listens. */
			const r = await request(port, 'GET', '/connexion', { timeout: 2000 }).catch(() => null);
			if (r)
				return { proc: p, port, dir };
			await sleep(100);
		}
		if (p.exitCode === null && p.signalCode === null) {
			p.kill('SIGKILL');
			await p.exited;
		}
		const log = fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : '';
		if (!/Address already in use/.test(err + log))
			throw new Error(`nginx n'a pas démarré : ${err} ${log.slice(-2000)}`);
	}
	throw new Error('nginx : aucun port libre');
}

/* In front of Kannel's sendsms, one relay per server: which server handed
 * which message to the gateway. */
function smsRelay(name, upstreamPort) {
	const relay = { name, texts: [], accepted: 0 };
	relay.server = http.createServer((req, res) => {
		const text = new URL(req.url, 'http://relay').searchParams.get('text') || '';
		const up = http.get({ host: '127.0.0.1', port: upstreamPort, path: req.url, agent: false }, (ur) => {
			if (ur.statusCode >= 200 && ur.statusCode < 300) {
				relay.accepted++;
				relay.texts.push(text);
			}
			res.writeHead(ur.statusCode, ur.headers);
			ur.pipe(res);
		});
		up.on('error', (e) => {
			res.writeHead(502);
			res.end(String(e.message));
		});
	});
	return new Promise((resolve) => relay.server.listen(0, '127.0.0.1', () => {
		relay.port = relay.server.address().port;
		resolve(relay);
	}));
}

/* ------------------------------------------------------------------ */
/* HTTP with a cookie jar                                              */







async function login(c, port, loginName) {
	const page = await c.get(port, '/connexion');
	status(page, 200, 'GET /connexion');
	const fields = hiddenFields(page.body, '/connexion');
	const r = await c.req(port, 'POST', '/connexion', {
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: encodeForm({ ...fields, identifiant: loginName, mot_de_passe: PW }),
	});
	status(r, 303, `connexion de ${loginName}`);
	eq(r.headers.location, '/', `connexion de ${loginName} (redirection)`);
	assert(c.jar.has('lien_session'), `connexion de ${loginName} : pas de cookie lien_session`);
	return r;
}

/* ------------------------------------------------------------------ */
/* Forms                                                               */

const today = () => new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit',
	year: 'numeric' }).format(new Date());

function personForm(birthName, firstNames) {
	return { civilite: 'Mme', birth_name: birthName, first_names: firstNames, preferred_channel: 'en_personne', phone: '',
		phone2: '', email: '', address: '', postal_code: '', commune_name: '', protection: 'aucune', info_date: today(),
		info_method: 'oral_notice', autre_personne: '1' };
}
const ENTRY = { medium: 'telephone', kind: 'entretien', duration: '20', when: '', summary: '', for_person: '', documents: '',
	private_note: '', workers: '', task_text: '', task_due: '' };

const personIdOf = (r) => {
	const m = r.status === 303 && /^\/personnes\/(\d+)$/.exec(r.headers.location || '');
	return m ? Number(m[1]) : null;
};

async function createPerson(c, port, birthName, firstNames, what) {
	const r = await c.post(port, '/personnes', personForm(birthName, firstNames));
	const id = personIdOf(r);
	if (!id)
		fail(`${what} : HTTP ${r.status} ${r.headers.location || ''} — ${short(textOf(r.body))}`);
	return id;
}

/* ------------------------------------------------------------------ */
/* The world                                                           */

let K, A, B, NG, relayA, relayB, ts;
const persons = [];     /* files created through the web (test 1), for the writes of tests 4 and 5 */
const W = {};

/* ------------------------------------------------------------------ */
/* 1. Sessions                                                          */

test('a session opened on server A works on server B and through nginx (pages, forms, logout)', async () => {
	/* Logged in on A directly, then B: a page that needs the session, and
	 * a form with the CSRF token of a page B served. */
	const c = new PortClient();
	await login(c, A.port, 'elodie');
	const onB = await c.get(B.port, '/compte');
	status(onB, 200, 'GET /compte sur B avec la session ouverte sur A');
	has(textOf(onB.body), 'Élodie Marchand', '/compte sur B');
	c.csrf = csrfOf(onB.body);
	const id1 = await createPerson(c, B.port, 'Fabre', 'Noémie', 'création d\'un dossier sur B');
	const back = await c.get(A.port, `/personnes/${id1}`);
	status(back, 200, 'le dossier créé sur B, lu sur A');
	has(textOf(back.body), 'Noémie', 'dossier lu sur A');
	persons.push(id1);
	/* The same token is good on either server (one session row). */
	const e = await c.post(A.port, `/personnes/${id1}/journal`, { ...ENTRY, summary: 'Premier entretien, sur A' });
	status(e, 303, 'entrée du journal sur A avec le jeton de B');

	/* Logged in through nginx: the requests go to both servers in turn. */
	const n = new PortClient();
	await login(n, NG.port, 'elodie');
	const seen = new Map();
	for (let i = 0; i < 6; i++) {
		const r = await n.get(NG.port, '/compte');
		status(r, 200, `GET /compte n° ${i + 1} par nginx`);
		has(textOf(r.body), 'Élodie Marchand', '/compte par nginx');
		seen.set(r.headers['x-upstream'], (seen.get(r.headers['x-upstream']) || 0) + 1);
		n.csrf = csrfOf(r.body);
	}
	for (const s of [A, B])
		assert(seen.get(`127.0.0.1:${s.port}`) >= 2, `nginx n'a pas réparti entre les deux serveurs : ${JSON.stringify([...seen])}`);
	const before = num(`SELECT count(*) FROM journal_entries WHERE person_id = ${id1}`);
	const via = new Set();
	for (let i = 0; i < 4; i++) {
		const r = await n.post(NG.port, `/personnes/${id1}/journal`, { ...ENTRY, summary: `Par nginx ${i}` });
		status(r, 303, `entrée du journal n° ${i + 1} par nginx`);
		via.add(r.headers['x-upstream']);
	}
	eq(via.size, 2, 'formulaires par nginx traités par les deux serveurs');
	eq(num(`SELECT count(*) FROM journal_entries WHERE person_id = ${id1}`), before + 4, 'entrées enregistrées par nginx');
	/* The nginx session, used on A and B directly. */
	for (const s of [A, B]) {
		const r = await n.get(s.port, `/personnes/${id1}`);
		status(r, 200, `session ouverte par nginx, sur ${s.name} directement`);
		persons.push(await createPerson(n, s.port, 'Fabre', s === A ? 'Lou' : 'Jade', `dossier créé sur ${s.name} (session nginx)`));
	}
	/* Logout on B ends the session on A too. */
	const sid = c.jar.get('lien_session');
	const out = await c.post(B.port, '/deconnexion', {});
	status(out, 303, 'déconnexion sur B');
	const old = new PortClient(new Map([['lien_session', sid]]));
	const stale = await old.get(A.port, '/compte');
	status(stale, 303, 'la session fermée sur B, présentée à A');
	eq((stale.headers.location || '').split('?')[0], '/connexion', 'redirection de la session fermée');
	ts = n;
});

/* ------------------------------------------------------------------ */
/* 2. 1,000 reminders, two senders                                      */

/* Messages fakesmsc printed so far. */
function fakesmscCount() {
	const f = path.join(K.dir, 'fakesmsc.out');
	if (!fs.existsSync(f))
		return 0;
	const s = fs.readFileSync(f, 'latin1');
	let n = 0;
	for (let i = s.indexOf('Got message'); i >= 0; i = s.indexOf('Got message', i + 11))
		n++;
	return n;
}

test(`${SMS_N} SMS reminders queued at once are sent exactly once in total by the two servers`, async () => {
	const now = nowS();
	const worker = W.elodie;
	const base = fakesmscCount();
	const t0 = Date.now();
	sql(`BEGIN;
INSERT INTO persons(structure_id, file_number, birth_name, first_names, phone, preferred_channel, info_date, info_method,
	search_name, last_contact_at, created_at, updated_at)
SELECT 1, 'SMS-' || lpad(i::text, 5, '0'), 'Rappel', 'Test' || lpad(i::text, 4, '0'),
	'06 ' || lpad((20 + i / 1000000)::text, 2, '0') || ' ' || lpad((i / 10000 % 100)::text, 2, '0') || ' ' ||
	lpad((i / 100 % 100)::text, 2, '0') || ' ' || lpad((i % 100)::text, 2, '0'), 'sms', '2026-01-01', 'oral_notice',
	'rappel test' || lpad(i::text, 4, '0'), ${now}, ${now}, ${now} FROM generate_series(1, ${SMS_N}) AS g(i);
INSERT INTO appointments(structure_id, worker_id, kind, place, starts_at, ends_at, notes, created_by, created_at, updated_at)
SELECT 1, ${worker}, 'entretien', 'site', ${now + 86400} + p.id * 1800, ${now + 86400 + 1800} + p.id * 1800, 'sms:' || p.id,
	${worker}, ${now}, ${now} FROM persons p WHERE p.birth_name = 'Rappel';
INSERT INTO appointment_persons(appointment_id, structure_id, person_id)
SELECT a.id, 1, p.id FROM appointments a JOIN persons p ON a.notes = 'sms:' || p.id;
INSERT INTO outbox(structure_id, appointment_id, person_id, channel, due_at, recipient, subject, body, next_attempt_at, created_at)
SELECT 1, a.id, p.id, 'sms', ${now - 1}, '+33' || substr(replace(p.phone, ' ', ''), 2), 'Votre rendez-vous',
	'CCAS de Lunel : rendez-vous demain avec Elodie Marchand, ' || p.first_names || '. Empeche ? Appelez le 04 67 00 00 00.',
	${now - 1}, ${now} FROM appointments a JOIN persons p ON a.notes = 'sms:' || p.id;
COMMIT;`);
	/* The senders may have begun already: count the rows, whatever their state. */
	eq(num('SELECT count(*) FROM outbox'), SMS_N, 'rappels en file');
	const queued = Date.now();
	await until('toutes les lignes « sent » ou « delivered »', () =>
		num('SELECT count(*) FROM outbox WHERE status NOT IN (\'sent\', \'delivered\')') === 0, Math.max(90000, SMS_N * 60), 250)
		.catch((e) => fail(`${e.message} (${sql('SELECT string_agg(status || \'=\' || n, \' \') FROM (SELECT status, count(*) n FROM outbox GROUP BY status) t')})`));
	const drained = Date.now();
	/* Delivery reports come back through nginx to either server. */
	const delivered = await until('accusés de réception', () =>
		num('SELECT count(*) FROM outbox WHERE status = \'delivered\'') === SMS_N, 30000, 250).catch(() => false);
	await until(`fakesmsc à ${SMS_N} messages`, () => fakesmscCount() - base >= SMS_N, 15000, 100).catch(() => {});
	await sleep(2000); /* a late second copy would have come by now */
	const seen = new Map();
	for (const m of K.received()) {
		const t = /Test(\d{4,})/.exec(m.text);
		if (t && m.text.includes('Lunel'))
			seen.set(t[1], (seen.get(t[1]) || 0) + 1);
	}
	let dup = 0, missing = 0;
	for (let i = 1; i <= SMS_N; i++) {
		const c = seen.get(String(i).padStart(4, '0')) || 0;
		if (c === 0)
			missing++;
		if (c > 1)
			dup += c - 1;
	}
	const byA = relayA.texts.filter((t) => /Lunel/.test(t)).length;
	const byB = relayB.texts.filter((t) => /Lunel/.test(t)).length;
	const both = new Set(relayA.texts.filter((t) => relayB.texts.includes(t)));
	const statuses = sql('SELECT string_agg(status || \'=\' || n, \' \') FROM (SELECT status, count(*) n FROM outbox GROUP BY status) t');
	console.log(`     sms: ${SMS_N} rappels en file en ${queued - t0} ms (une transaction), envoyés en ` +
		`${((drained - queued) / 1000).toFixed(1)} s (${(SMS_N / ((drained - queued) / 1000)).toFixed(0)} SMS/s) ; ` +
		`serveur A ${byA}, serveur B ${byB} ; fakesmsc ${fakesmscCount() - base} ; ${dup} doublon(s), ${missing} manquant(s) ; ` +
		`lignes : ${statuses}`);
	eq(fakesmscCount() - base, SMS_N, 'messages reçus par fakesmsc');
	eq(missing, 0, 'SMS manquants');
	eq(dup, 0, 'SMS reçus deux fois');
	eq(both.size, 0, 'messages remis à la passerelle par les deux serveurs');
	eq(byA + byB, SMS_N, 'messages remis à la passerelle (A + B)');
	assert(byA > 0 && byB > 0, `un seul serveur a envoyé : A ${byA}, B ${byB}`);
	eq(num('SELECT count(*) FROM outbox WHERE attempts <> 1'), 0, 'rappels tentés plus d\'une fois');
	assert(delivered, `accusés de réception : ${statuses}`);
});

/* ------------------------------------------------------------------ */
/* 3. One audit chain under concurrent writes                           */

async function pool(n, concurrency, fn) {
	let next = 0;
	const workers = [];
	for (let w = 0; w < concurrency; w++)
		workers.push((async () => {
			while (next < n) {
				const i = next++;
				await fn(i);
			}
		})());
	await Promise.all(workers);
}

function auditVerify(what) {
	const r = lienRun('audit', 'verify');
	if (r.status !== 0)
		fail(`${what} : lien audit verify, code ${r.status} : ${r.stdout.trim()} ${r.stderr.trim()}`);
	has(r.stdout, 'intact', `${what} : lien audit verify`);
	return r.stdout.trim();
}

test(`${CONCURRENT_N} concurrent writes over both servers leave one valid audit chain`, async () => {
	assert(persons.length, 'pas de dossiers du premier test');
	auditVerify('avant');
	const before = num('SELECT count(*) FROM audit_log');
	const entriesBefore = num('SELECT count(*) FROM journal_entries');
	const ports = [A.port, B.port, A.port, B.port, NG.port];
	const bad = [];
	const t0 = Date.now();
	await pool(CONCURRENT_N, 16, async (i) => {
		const port = ports[i % ports.length];
		const person = persons[i % persons.length];
		let r;
		if (i % 10 === 9)
			r = await ts.post(port, '/personnes', personForm('Concurrent', letters(i)));
		else
			r = await ts.post(port, `/personnes/${person}/journal`, { ...ENTRY, summary: `Concurrent ${i}` });
		if (r.status !== 303)
			bad.push(`n° ${i} sur ${port} : HTTP ${r.status} ${short(textOf(r.body), 120)}`);
	});
	const ms = Date.now() - t0;
	eq(bad.length, 0, `écritures refusées : ${bad.slice(0, 5).join(' ; ')}`);
	eq(num('SELECT count(*) FROM journal_entries') - entriesBefore, CONCURRENT_N * 9 / 10, 'entrées du journal enregistrées');
	eq(num('SELECT count(*) FROM persons WHERE birth_name = \'CONCURRENT\' OR birth_name = \'Concurrent\''), CONCURRENT_N / 10,
		'dossiers créés');
	const added = num('SELECT count(*) FROM audit_log') - before;
	assert(added >= CONCURRENT_N / 10, `lignes d'audit ajoutées : ${added}`);
	const out = auditVerify('après');
	console.log(`     audit: ${CONCURRENT_N} écritures en ${(ms / 1000).toFixed(1)} s (16 en parallèle, A/B/nginx), ` +
		`${added} lignes d'audit ajoutées ; ${out}`);
});

/* ------------------------------------------------------------------ */
/* 4. The daily retention job                                           */

function retentionLogs() {
	return servers.map((s) => (s.stderr.match(/retention: \d+ file\(s\) archived or anonymised/g) || []));
}

/* Files with no contact for 800 days: the next retention run archives them. */
function dueFiles(prefix, n) {
	const old = nowS() - 800 * 86400;
	sql(`INSERT INTO persons(structure_id, file_number, birth_name, first_names, preferred_channel, info_date, info_method,
		search_name, last_contact_at, created_at, updated_at)
		SELECT 1, '${prefix}-' || lpad(i::text, 4, '0'), 'Ancien', 'Dossier', 'en_personne', '2023-01-01', 'oral_notice',
		'ancien dossier', ${old}, ${old}, ${old} FROM generate_series(1, ${n}) AS g(i)`);
}

function checkRetention(prefix, n, what) {
	const st = sql(`SELECT string_agg(status || '=' || c, ' ') FROM (SELECT status, count(*) c FROM persons ` +
		`WHERE file_number LIKE '${prefix}-%' GROUP BY status) t`);
	eq(st, `archived=${n}`, `${what} : état des dossiers dus`);
	const audit = sql(`SELECT count(*) || '/' || count(DISTINCT a.object_id) FROM audit_log a JOIN persons p ON p.id = a.object_id ` +
		`WHERE a.action = 'retention.archive' AND a.object_type = 'person' AND p.file_number LIKE '${prefix}-%'`);
	eq(audit, `${n}/${n}`, `${what} : lignes d'audit retention.archive (toutes / dossiers distincts)`);
}

test('the daily retention job runs on one server only (the day claimed in the jobs table)', async () => {
	/* The servers were started with RETENTION_N files due and the jobs row
	 * of yesterday: both reach their first tick ~60 s after start. */
	const wait = Math.max(...[A, B].map((s) => HOUSEKEEPING_S + 8 - s.uptime()));
	if (wait > 0)
		await sleep(wait * 1000);
	const lastRun = num('SELECT last_run FROM jobs WHERE name = \'retention\'');
	assert(nowS() - lastRun < 60, `la journée n'a pas été prise : last_run il y a ${nowS() - lastRun} s`);
	checkRetention('RET1', RETENTION_N, 'premier passage');
	const logs = retentionLogs();
	const span = sql('SELECT max(at) - min(at) FROM audit_log WHERE action = \'retention.archive\'');
	eq(logs.flat().length, 1, `passages annoncés par les serveurs (A : ${logs[0].length}, B : ${logs[1].length})`);
	has(logs.flat()[0], `retention: ${RETENTION_N} file(s)`, 'journal du serveur');
	console.log(`     retention: ${RETENTION_N} dossiers archivés par le serveur ${logs[0].length ? 'A' : 'B'}, une fois ` +
		`(${span} s entre la première et la dernière ligne d'audit)`);
	/* Second round: the claim made old again, more files due. */
	dueFiles('RET2', RETENTION2_N);
	sql(`UPDATE jobs SET last_run = ${nowS() - 2 * 86400} WHERE name = 'retention'`);
	W.retention2From = Date.now();
});

/* ------------------------------------------------------------------ */
/* 4b. Retention again, once                                            */

test('after UPDATE jobs SET last_run (an old claim), the next tick runs the retention job once more, on one server', async () => {
	assert(W.retention2From, 'premier passage non fait');
	await until('journée prise de nouveau (jobs.last_run)', () =>
		nowS() - num('SELECT last_run FROM jobs WHERE name = \'retention\'') < 90, 75000, 500);
	/* Both servers' ticks come within a few seconds of each other. */
	await sleep(6000);
	checkRetention('RET2', RETENTION2_N, 'second passage');
	checkRetention('RET1', RETENTION_N, 'premier passage (inchangé)');
	const logs = retentionLogs();
	eq(logs.flat().length, 2, `passages annoncés par les serveurs (A : ${logs[0].length}, B : ${logs[1].length})`);
	eq(logs.flat().filter((l) => l.includes(`retention: ${RETENTION2_N} file(s)`)).length, 1, 'second passage dans les journaux');
	console.log(`     retention: ${RETENTION2_N} dossiers archivés par le serveur ` +
		`${logs[0].some((l) => l.includes(`${RETENTION2_N} file(s)`)) ? 'A' : 'B'}, une fois`);
	auditVerify('à la fin');
});

/* ------------------------------------------------------------------ */
/* 5. PostgreSQL restarted under load                                   */

test('PostgreSQL restarted under load: 503 pages only, both servers recover without restart, no acknowledged write lost', async () => {
	assert(PG_DIR, 'LIEN_TEST_PG_DIR absent : impossible de redémarrer PostgreSQL');
	assert(persons.length, 'pas de dossiers du premier test');
	assert(num('SELECT count(*) FROM persons WHERE birth_name = \'Rappel\'') > 0, 'pas de rendez-vous du test des rappels');
	/* Bodies are kept for the failures only, and the load stops in any case. */
	const deadline = Date.now() + 45000;
	const keep = (res, r) => {
		res.status = r.status;
		res.ctype = r.headers['content-type'] || '';
		res.body = r.status === 200 || r.status === 303 ? '' : r.body.slice(0, 4000);
	};
	const results = [];    /* {i, port, kind, token, status, person, t, err} */
	let stop = false, restartAt = 0, restartedAt = 0, n = 0;
	const ports = [A.port, B.port, NG.port];
	const one = async (i) => {
		const port = ports[i % ports.length];
		const t = Date.now();
		const res = { i, port, t };
		try {
			if (i % 5 === 4) {
				res.kind = 'person';
				res.token = letters(10000 + i);
				const r = await ts.post(port, '/personnes', personForm('Relance', res.token), { timeout: 40000 });
				res.person = personIdOf(r);
				keep(res, r);
			} else if (i % 5 === 3) {
				res.kind = 'read';
				const r = await ts.get(port, `/personnes/${persons[i % persons.length]}`, { timeout: 40000 });
				keep(res, r);
			} else {
				res.kind = 'entry';
				res.token = `Relance ${i}`;
				const r = await ts.post(port, `/personnes/${persons[i % persons.length]}/journal`, { ...ENTRY, summary: res.token },
					{ timeout: 40000 });
				keep(res, r);
			}
		} catch (e) {
			res.err = e.message;
		}
		res.ms = Date.now() - t;
		results.push(res);
	};
	const loop = (async () => {
		const workers = [];
		for (let w = 0; w < 6; w++)
			workers.push((async () => {
				while (!stop && Date.now() < deadline)
					await one(n++);
			})());
		await Promise.all(workers);
	})();
	await sleep(2500);
	restartAt = Date.now();
	const r = run('sh', [path.join(ROOT, 'tests/pg/cluster.sh'), 'restart', PG_DIR]);
	restartedAt = Date.now();
	if (r.status !== 0) {
		stop = true;
		await loop;
		fail(`cluster.sh restart : ${r.stderr}`);
	}
	/* Recovery: after the restart, each server answers writes again. */
	const recovered = {};
	await until('les deux serveurs écrivent de nouveau', () => {
		for (const s of [A, B]) {
			if (recovered[s.name])
				continue;
			const ok = results.filter((x) => x.port === s.port && x.t >= restartedAt && x.status === 303);
			if (ok.length >= 3)
				recovered[s.name] = (Math.min(...ok.map((x) => x.t + x.ms)) - restartedAt) / 1000;
		}
		return recovered.A !== undefined && recovered.B !== undefined;
	}, 20000, 100).catch((e) => {
		stop = true;
		throw e;
	});
	await sleep(2000);
	stop = true;
	await loop;

	const byStatus = {};
	for (const x of results)
		byStatus[x.err ? 'erreur' : x.status] = (byStatus[x.err ? 'erreur' : x.status] || 0) + 1;
	const failures = results.filter((x) => x.status !== 303 && x.status !== 200);
	const after = results.filter((x) => x.t >= restartedAt + 10000 && x.status !== 303 && x.status !== 200);
	const acked = results.filter((x) => x.status === 303);
	console.log(`     redémarrage: ${results.length} requêtes (${JSON.stringify(byStatus)}), PostgreSQL redémarré en ` +
		`${((restartedAt - restartAt) / 1000).toFixed(1)} s ; écritures de nouveau acceptées ${recovered.A.toFixed(1)} s (A) et ` +
		`${recovered.B.toFixed(1)} s (B) après ; pire temps de réponse ${Math.max(...results.map((x) => x.ms))} ms`);
	/* Failures: Lien's 503 page, nothing else. */
	const wrong = failures.filter((x) => x.err || x.status !== 503 || !/text\/html/.test(x.ctype) ||
		!x.body.includes('Service momentanément indisponible'));
	eq(wrong.length, 0, `échecs autres qu'une page 503 : ${wrong.slice(0, 5).map((x) => `n° ${x.i} (${x.kind}, port ${x.port}) : ` +
		`${x.err || `HTTP ${x.status} ${short(textOf(x.body || ''), 150)}`}`).join(' ; ')}`);
	eq(after.length, 0, 'échecs plus de 10 s après le redémarrage');
	/* A connection the old server closed is seen dead and opened again
	 * before use (db_thread): only requests in flight during the restart fail. */
	eq(failures.filter((x) => x.t >= restartedAt).length, 0, 'échecs de requêtes parties après le redémarrage');
	assert(acked.some((x) => x.t + x.ms < restartAt), 'aucune écriture acceptée avant le redémarrage');
	for (const s of [A, B])
		assert(s.alive(), `${s.name} s'est arrêté`);
	/* Every acknowledged write is there. */
	const entries = acked.filter((x) => x.kind === 'entry').map((x) => x.token);
	const have = new Set(sql('SELECT summary FROM journal_entries WHERE summary LIKE \'Relance %\'').split('\n'));
	const lostEntries = entries.filter((t) => !have.has(t));
	eq(lostEntries.length, 0, `entrées acceptées (303) absentes de la base : ${lostEntries.slice(0, 10).join(', ')}`);
	const files = acked.filter((x) => x.kind === 'person');
	const bad = files.filter((x) => !x.person);
	eq(bad.length, 0, 'création de dossier acceptée sans adresse du dossier');
	const got = new Map(sql(`SELECT id, first_names FROM persons WHERE id IN (${files.map((x) => x.person).join(',') || 0})`)
		.split('\n').filter(Boolean).map((l) => l.split('|')).map(([id, f]) => [Number(id), f]));
	const lostFiles = files.filter((x) => got.get(x.person) !== x.token);
	eq(lostFiles.length, 0, `dossiers acceptés (303) absents de la base : ${lostFiles.slice(0, 10).map((x) => x.token).join(', ')}`);
	assert(entries.length > 20 && files.length > 5, `trop peu d'écritures acceptées : ${entries.length} entrées, ${files.length} dossiers`);
	/* The background senders recover too: reminders queued now go out, once. */
	const base = fakesmscCount();
	const now = nowS();
	const RELANCE = 20;
	sql(`INSERT INTO outbox(structure_id, appointment_id, person_id, channel, due_at, recipient, subject, body, next_attempt_at,
		created_at) SELECT 1, a.id, p.id, 'sms', ${now - 1}, '+33' || substr(replace(p.phone, ' ', ''), 2), 'Votre rendez-vous',
		'CCAS de Lunel : apres la relance, ' || p.first_names || '.', ${now - 1}, ${now}
		FROM appointments a JOIN persons p ON a.notes = 'sms:' || p.id WHERE p.first_names <= 'Test${String(RELANCE).padStart(4, '0')}'`);
	await until('rappels envoyés après le redémarrage', () => num('SELECT count(*) FROM outbox WHERE body LIKE \'%apres la relance%\' ' +
		'AND status IN (\'sent\', \'delivered\')') === RELANCE, 30000, 250);
	await until('fakesmsc', () => fakesmscCount() - base >= RELANCE, 10000, 100).catch(() => {});
	await sleep(1500);
	const relance = K.received().filter((m) => m.text.includes('apres la relance'));
	eq(relance.length, RELANCE, 'SMS reçus après le redémarrage');
	eq(new Set(relance.map((m) => m.text)).size, RELANCE, 'SMS distincts après le redémarrage');
	auditVerify('après le redémarrage');
	console.log(`     redémarrage: ${entries.length} entrées et ${files.length} dossiers acceptés, tous présents ; ` +
		`${failures.length} réponse(s) 503, dont ${failures.filter((x) => x.t >= restartedAt).length} à des requêtes parties après ` +
		`le redémarrage ; ${RELANCE} rappels mis en file ensuite, envoyés une fois`);
});

/* ------------------------------------------------------------------ */
/* 6. A lock held elsewhere                                             */

test('a table locked by another PostgreSQL session: 503 after the lock timeout, not a hang; the other server serves meanwhile', async () => {
	assert(persons.length, 'pas de dossiers du premier test');
	const id = persons[0];
	/* Someone's maintenance in psql: the table held until ended below. */
	const TAG = `lien-test-verrou-${process.pid}`;
	const holder = cp.spawn('psql', ['-X', '-q', '-d', URL_, '-c',
		`BEGIN; LOCK TABLE persons IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120) AS "${TAG}"; COMMIT;`], { stdio: 'ignore' });
	const ended = new Promise((resolve) => holder.on('exit', resolve));
	const release = () => sql(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE '%${TAG}%' ` +
		'AND pid <> pg_backend_pid()');
	try {
		await until('verrou posé sur persons', () => num('SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation ' +
			'WHERE c.relname = \'persons\' AND l.mode = \'AccessExclusiveLock\' AND l.granted') === 1, 10000, 50);
		const t0 = Date.now();
		const page = ts.get(A.port, `/personnes/${id}`, { timeout: 60000 });
		const t1 = Date.now();
		const other = await ts.get(B.port, '/compte', { timeout: 60000 });
		const otherMs = Date.now() - t1;
		const r = await page;
		const waited = Date.now() - t0;
		eq(r.status, 503, `dossier lu pendant le verrou : ${short(textOf(r.body))}`);
		has(r.body, 'Service momentanément indisponible', 'page 503');
		/* Refused by the lock timeout (10 s), not at once, nor by the
		 * statement timeout (30 s) that would also end the wait. */
		assert(waited >= 9000 && waited < 25000, `503 après ${waited} ms (le délai du verrou est de 10 s)`);
		eq(other.status, 200, `/compte sur B pendant le verrou : ${short(textOf(other.body))}`);
		console.log(`     verrou: 503 après ${(waited / 1000).toFixed(1)} s ; /compte sur l'autre serveur en ${otherMs} ms pendant ce temps`);
	} finally {
		release();
		await Promise.race([ended, sleep(10000)]);
		holder.kill('SIGKILL');
	}
	const back = await ts.get(A.port, `/personnes/${id}`);
	eq(back.status, 200, `dossier après le verrou : ${short(textOf(back.body))}`);
	assert(A.alive() && B.alive(), 'un serveur s\'est arrêté');
});

/* ------------------------------------------------------------------ */

async function main() {
	let passed = 0, failed = 0;
	const why = !PG ? 'LIEN_TEST_PG absent (tests/pg/cluster.sh start DIR PORT)' : kannel.missing() ||
		(fs.existsSync(BIN) ? null : `${BIN} absent (make)`) ||
		(run('sh', ['-c', 'command -v psql && (command -v nginx || test -x /usr/sbin/nginx)']).status ? 'psql ou nginx absent' : null);
	if (why) {
		console.log(`FAIL pg: ${why}`);
		console.log(`0 passed, ${tests.length} failed`);
		process.exit(1);
	}
	const tStart = Date.now();
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lien-pg-'));
	DBNAME = `lien_pg_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
	URL_ = `${PG}/${DBNAME}`;
	KEY = path.join(tmp, 'lien.key');
	let ngx = null;
	try {
		const r = psql(`${PG}/postgres`, `CREATE DATABASE ${DBNAME} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'`);
		if (r.status !== 0)
			throw new Error(`CREATE DATABASE : ${r.stderr}`);
		lien('init');
		lien('structure', 'add', STRUCT);
		for (const [l, n, role] of [['elodie', 'Élodie Marchand', 'travailleur_social'], ['karim', 'Karim Benali', 'travailleur_social']])
			lien('user', 'add', '--structure', STRUCT, '--login', l, '--name', n, '--role', role, '--password', PW);
		W.elodie = num('SELECT id FROM users WHERE login = \'elodie\'');
		/* Test 3: files due for archiving, and yesterday's claim. */
		dueFiles('RET1', RETENTION_N);
		sql(`INSERT INTO jobs(name, last_run) VALUES ('retention', ${nowS() - 86400 - 3600}) ` +
			`ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run`);
		K = await kannel.start({ httpRetry: 30, httpQueueDelay: 1 });
		relayA = await smsRelay('A', K.ports.sendsms);
		relayB = await smsRelay('B', K.ports.sendsms);
		const [pa, pb] = [await kannel.freePort(), await kannel.freePort()];
		/* nginx first (its port is the servers' --public-url), its upstreams
		 * not yet listening: it only checks them per request. */
		ngx = await startNginx([pa, pb]);
		const common = ['--behind-proxy', '--sms-user', K.user, '--sms-password', K.password, '--sms-from', 'CCAS-Lunel',
			'--public-url', `http://127.0.0.1:${ngx.port}`];
		A = new Server('A', pa, ['--sms-url', `http://127.0.0.1:${relayA.port}/cgi-bin/sendsms`, ...common]);
		B = new Server('B', pb, ['--sms-url', `http://127.0.0.1:${relayB.port}/cgi-bin/sendsms`, ...common]);
		await Promise.all([A.start(), B.start()]);
		NG = ngx;
	} catch (e) {
		console.log(`FAIL pg: démarrage — ${e.stack || e.message}`);
		failed++;
	}
	if (!failed) {
		const r = await runTests('pg', tests, servers, process.env.PG_ONLY);
		passed += r.passed;
		failed += r.failed;
	}
	for (const s of servers)
		await s.stop().catch(() => {});
	for (const c of servers.flatMap((s) => s.crashes.splice(0))) {
		failed++;
		console.log(`FAIL pg: arrêt du serveur — ${c}`);
	}
	/* A sanitizer's report, or an error logged by a server. */
	for (const s of servers) {
		const bad = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/.exec(s.stderr);
		if (bad) {
			failed++;
			console.log(`FAIL pg: ${s.name} — ${short(s.stderr.slice(bad.index), 3000)}`);
		}
	}
	if (ngx) {
		ngx.proc.kill('SIGTERM');
		await Promise.race([ngx.proc.exited, sleep(5000)]);
		if (ngx.proc.exitCode === null && ngx.proc.signalCode === null)
			ngx.proc.kill('SIGKILL');
	}
	for (const r of [relayA, relayB])
		if (r)
			r.server.close();
	if (K)
		await K.stop(failed > 0);
	if (failed) {
		for (const s of servers)
			fs.writeFileSync(path.join(tmp, `server-${s.name}.log`), s.stderr);
		console.log(`(gardés : ${tmp}${K ? `, ${K.dir}` : ''}, base ${URL_})`);
	} else {
		psql(`${PG}/postgres`, `DROP DATABASE IF EXISTS ${DBNAME} WITH (FORCE)`);
		fs.rmSync(tmp, { recursive: true, force: true });
	}
	console.log(`     (${((Date.now() - tStart) / 1000).toFixed(0)} s en tout)`);
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

main();
