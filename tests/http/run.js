#!/usr/bin/env node
/*
 * HTTP tests against live Lien servers on random loopback ports, with a
 * fresh database per run. Node 20, built-in modules only.
 *
 *   node tests/http/run.js            (LIEN_BIN=build-san/lien under make test)
 *
 * Prints "ok   http: NAME" or "FAIL http: NAME — reason" per test, then one
 * closing line "N passed, N failed"; exits 1 on any failure. A server that
 * exits during the run fails the run loudly, with its stderr (ASan report).
 *
 * Servers:
 *   main    the database of most tests, default options
 *   small   the same database, --max-body 2048
 *   limits  the same database, --timeout 2 --max-per-ip 4 (slow clients)
 *   thr     its own database, --login-delay 2 (throttling, kept apart so
 *           that the per-address counter does not disturb the other tests)
 */
'use strict';
require('../lib/backend');

const http = require('node:http');
const net = require('node:net');
const crypto = require('node:crypto');
const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.resolve(ROOT, process.env.LIEN_BIN || 'build/lien');
const PW = 'Tournesol-Bleu-2026';          /* every account made by the CLI */
const WRONG_PW = 'Tournesol-Rouge-2026';
const STRUCT_A = 'CCAS de Roubaix';
const STRUCT_B = 'Centre social des Trois Ponts';
const STRUCT_T = 'Maison des solidarités';

/* ------------------------------------------------------------------ */
/* Harness                                                             */

const tests = [];
function test(name, fn) {
	tests.push({ name, fn });
}

const { AssertionError, fail, assert } = require('../lib/web');
function eq(got, want, what) {
	if (got !== want)
		fail(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
}
function short(s, n = 160) {
	s = String(s);
	return s.length > n ? s.slice(0, n) + '…' : s;
}
function has(hay, needle, what) {
	if (!String(hay).includes(needle))
		fail(`${what}: ${JSON.stringify(needle)} not found`);
}
function hasNot(hay, needle, what) {
	if (String(hay).includes(needle))
		fail(`${what}: ${JSON.stringify(needle)} must not appear`);
}
function status(res, want, what) {
	if (res.status !== want)
		fail(`${what}: expected HTTP ${want}, got ${res.status}` +
		     (res.headers && res.headers.location ? ` (Location ${res.headers.location})` : '') +
		     (res.body ? ` — ${short(textOf(res.body))}` : ''));
}
function redirect(res, location, what) {
	if (res.status !== 303 || res.headers.location !== location)
		fail(`${what}: expected 303 to ${location}, got ${res.status} ${res.headers.location || ''}` +
		     (res.status !== 303 && res.body ? ` — ${short(textOf(res.body))}` : ''));
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* Visible text of a page, for short failure messages. */
function textOf(html) {
	const main = /<main[^>]*>([\s\S]*?)<\/main>/.exec(html);
	return (main ? main[1] : html).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

/* ------------------------------------------------------------------ */
/* Processes: CLI, sqlite3, servers                                    */

function run(cmd, args, opts = {}) {
	const r = cp.spawnSync(cmd, args, { encoding: 'utf8', timeout: 30000, ...opts });
	if (r.error)
		throw r.error;
	return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function lien(...args) {
	return run(BIN, args);
}

function lienOk(...args) {
	const r = lien(...args);
	if (r.code !== 0)
		fail(`lien ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
	return r.stdout;
}

function sql(db, statement) {
	const r = run('sqlite3', ['-batch', '-cmd', '.timeout 5000', db, statement]);
	if (r.code !== 0)
		fail(`sqlite3 ${statement}: ${r.stderr.trim()}`);
	return r.stdout.trim();
}

const servers = [];

class Server {
	constructor(name, db, extra = []) {
		this.name = name;
		this.db = db;
		this.extra = extra;
		this.stderr = '';
		this.stopping = false;
		this.exited = null;
		servers.push(this);
	}

	start() {
		return new Promise((resolve, reject) => {
			const args = ['serve', '--db', this.db, '--listen', '127.0.0.1:0', ...this.extra];
			this.proc = cp.spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
			let out = '';
			const timer = setTimeout(() => reject(new Error(`${this.name}: no "écoute" line after 20 s; stderr: ${this.stderr}`)), 20000);
			this.proc.stdout.setEncoding('utf8');
			this.proc.stdout.on('data', (d) => {
				out += d;
				const m = /Lien écoute sur http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
				if (m && !this.port) {
					this.port = Number(m[1]);
					clearTimeout(timer);
					resolve(this);
				}
			});
			this.proc.stderr.setEncoding('utf8');
			this.proc.stderr.on('data', (d) => {
				if (this.stderr.length < 1 << 20)
					this.stderr += d;
			});
			this.proc.on('error', (e) => {
				clearTimeout(timer);
				reject(e);
			});
			this.proc.on('exit', (code, signal) => {
				this.exited = { code, signal };
				clearTimeout(timer);
				if (!this.stopping) {
					console.log(`!!!! server "${this.name}" exited during the run (code ${code}, signal ${signal})`);
					console.log(this.stderr.split('\n').map((l) => `!!!! ${l}`).join('\n'));
				}
				reject(new Error(`${this.name} exited (code ${code}, signal ${signal}) before listening: ${this.stderr}`));
			});
		});
	}

	crashed() {
		return this.exited && !this.stopping;
	}

	stop() {
		if (this.exited || !this.proc)
			return Promise.resolve(this.exited);
		this.stopping = true;
		return new Promise((resolve) => {
			const kill = setTimeout(() => this.proc.kill('SIGKILL'), 15000);
			this.proc.once('exit', (code, signal) => {
				clearTimeout(kill);
				resolve({ code, signal });
			});
			this.proc.kill('SIGTERM');
		});
	}
}

/* ------------------------------------------------------------------ */
/* HTTP client with a cookie jar                                       */

function request(port, method, urlPath, { headers = {}, body } = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent: false }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({
				status: res.statusCode,
				headers: res.headers,
				setCookies: res.headers['set-cookie'] || [],
				body: Buffer.concat(chunks).toString('utf8'),
			}));
			res.on('error', reject);
		});
		req.setTimeout(15000, () => req.destroy(new Error(`${method} ${urlPath}: no answer after 15 s`)));
		req.on('error', reject);
		if (body !== undefined)
			req.write(body);
		req.end();
	});
}

function encodeForm(fields) {
	if (typeof fields === 'string')
		return fields;
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries(fields))
		if (v !== undefined)
			p.append(k, v);
	return p.toString();
}

class Client {
	constructor(server) {
		this.server = server;
		this.jar = new Map();
	}

	cookieHeader() {
		return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	async req(method, urlPath, { headers = {}, body, server } = {}) {
		const h = { ...headers };
		if (this.jar.size && !('Cookie' in h))
			h.Cookie = this.cookieHeader();
		if (body !== undefined && !('Content-Length' in h) && !('Transfer-Encoding' in h))
			h['Content-Length'] = Buffer.byteLength(body);
		const res = await request((server || this.server).port, method, urlPath, { headers: h, body });
		for (const sc of res.setCookies) {
			const [pair, ...attrs] = sc.split(';').map((s) => s.trim());
			const i = pair.indexOf('=');
			const name = pair.slice(0, i), value = pair.slice(i + 1);
			if (attrs.some((a) => /^max-age=0$/i.test(a)) || value === '')
				this.jar.delete(name);
			else
				this.jar.set(name, value);
		}
		return res;
	}

	get(urlPath, opts = {}) {
		return this.req('GET', urlPath, opts);
	}

	post(urlPath, fields, opts = {}) {
		return this.req('POST', urlPath, {
			...opts,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(opts.headers || {}) },
			body: encodeForm(fields),
		});
	}

	get session() {
		return this.jar.get('lien_session');
	}
}

function unescapeHtml(s) {
	return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function csrfOf(html) {
	const m = /name="csrf" value="([^"]*)"/.exec(html);
	if (!m)
		fail(`no csrf field in the page: ${short(textOf(html))}`);
	return unescapeHtml(m[1]);
}

/* The hidden inputs of the first form whose action is `action`. */
function hiddenFields(html, action) {
	const at = html.indexOf(`action="${action}"`);
	if (at < 0)
		fail(`no form posting to ${action}`);
	const form = html.slice(at, html.indexOf('</form>', at));
	const out = {};
	for (const m of form.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
		out[unescapeHtml(m[1])] = unescapeHtml(m[2]);
	return out;
}

function loginErrorOf(html) {
	const m = /<div class="error-summary" role="alert"><p>([^<]*)<\/p><\/div>/.exec(html);
	return m ? unescapeHtml(m[1]) : null;
}

/* GET /connexion (for the lien_pre cookie and the token), then POST the form
 * as a browser would, hidden fields included. */
async function login(c, loginName, password, { suite, extra = {} } = {}) {
	const page = await c.get('/connexion' + (suite !== undefined ? '?suite=' + encodeURIComponent(suite) : ''));
	status(page, 200, 'GET /connexion');
	const fields = hiddenFields(page.body, '/connexion');
	return c.post('/connexion', { ...fields, identifiant: loginName, mot_de_passe: password, ...extra });
}

async function loginOk(c, loginName, password = PW) {
	const r = await login(c, loginName, password);
	redirect(r, '/', `login ${loginName}`);
	return r;
}

/* ------------------------------------------------------------------ */
/* TOTP (RFC 6238: HMAC-SHA1, 30 s, 6 digits)                          */

function base32Decode(s) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0, acc = 0;
	const out = [];
	for (const ch of s.replace(/[\s=]/g, '').toUpperCase()) {
		const v = alphabet.indexOf(ch);
		if (v < 0)
			throw new Error(`bad base32 character ${ch}`);
		acc = (acc << 5) | v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out.push((acc >> bits) & 0xff);
		}
	}
	return Buffer.from(out);
}

function hotp(key, counter) {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(counter));
	const mac = crypto.createHmac('sha1', key).update(msg).digest();
	const off = mac[19] & 0x0f;
	const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
	return String(bin % 1000000).padStart(6, '0');
}

const nowStep = () => Math.floor(Date.now() / 1000 / 30);

/* Per user: the secret and the last step the server accepted. */
const totpUsers = new Map();

/* A code the server will take: a step after the last one used, within the
 * server's window of one step either side. Waits if none is left. */
async function nextCode(loginName) {
	const t = totpUsers.get(loginName);
	for (;;) {
		const cur = nowStep();
		const s = Math.max(cur - 1, t.lastStep + 1);
		if (s <= cur + 1) {
			t.lastStep = s;
			return hotp(t.key, s);
		}
		await sleep(1000);
	}
}

/* A six-digit code no step of the window accepts. */
function wrongCode(loginName) {
	const t = totpUsers.get(loginName);
	const cur = nowStep();
	const valid = new Set([cur - 2, cur - 1, cur, cur + 1, cur + 2].map((s) => hotp(t.key, s)));
	for (let i = 0; ; i++) {
		const c = String(123456 + i * 7919).slice(-6);
		if (!valid.has(c))
			return c;
	}
}

/* Password, then enrolment of the second factor; the client ends logged in. */
async function enrolTotp(c, loginName) {
	const r = await login(c, loginName, PW);
	redirect(r, '/compte/double-authentification', `login ${loginName} (responsable)`);
	const page = await c.get('/compte/double-authentification');
	status(page, 200, 'enrolment page');
	const m = /<code class="secret">([A-Z2-7 ]+)<\/code>/.exec(page.body);
	assert(m, 'the enrolment page shows the secret in <code class="secret">');
	totpUsers.set(loginName, { key: base32Decode(m[1]), lastStep: 0, recovery: [] });
	const done = await c.post('/compte/double-authentification', { csrf: csrfOf(page.body), code: await nextCode(loginName) });
	status(done, 200, 'enrolment confirmed');
	const codes = [...done.body.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((x) => x[1]);
	totpUsers.get(loginName).recovery = codes;
	return { page, done, codes };
}

/* Password then TOTP for an enrolled user; the client ends logged in. */
async function loginTotp(c, loginName) {
	const r = await login(c, loginName, PW);
	redirect(r, '/connexion/code?suite=/', `login ${loginName}`);
	const page = await c.get('/connexion/code');
	status(page, 200, 'second-factor page');
	const fields = hiddenFields(page.body, '/connexion/code');
	const done = await c.post('/connexion/code', { ...fields, code: await nextCode(loginName) });
	redirect(done, '/', 'second factor');
	return done;
}

async function logout(c) {
	const home = await c.get('/compte');
	const r = await c.post('/deconnexion', { csrf: csrfOf(home.body) });
	redirect(r, '/connexion', 'logout');
}

/* ------------------------------------------------------------------ */
/* Raw sockets                                                         */

/* Sends `data` (string or Buffer, or an array of pieces sent `gap` ms
 * apart), then waits for the server to answer and close, or `wait` ms. */
function raw(port, data, { wait = 2000, gap = 0 } = {}) {
	return new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1');
		let buf = Buffer.alloc(0), done = false, error = null;
		const finish = () => {
			if (done)
				return;
			done = true;
			s.destroy();
			const text = buf.toString('latin1');
			const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
			resolve({ status: m ? Number(m[1]) : 0, text, error });
		};
		s.on('data', (d) => { buf = Buffer.concat([buf, d]); });
		s.on('error', (e) => { error = e.code; finish(); });
		s.on('close', finish);
		s.on('connect', async () => {
			const pieces = Array.isArray(data) ? data : [data];
			for (const p of pieces) {
				if (done)
					return;
				s.write(p);
				if (gap)
					await sleep(gap);
			}
			setTimeout(finish, wait);
		});
	});
}

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lien-http-'));
const DB = path.join(dir, 't.db');
const TDB = path.join(dir, 'throttle.db');
let main, small, limits, thr;
const ids = {};

function userId(db, loginName) {
	return Number(sql(db, `SELECT id FROM users WHERE login = '${loginName}'`));
}

async function setup() {
	if (!fs.existsSync(BIN))
		throw new Error(`${BIN} is missing: run make lien (or set LIEN_BIN)`);
	lienOk('init', '--db', DB);
	lienOk('structure', 'add', STRUCT_A, '--db', DB);
	lienOk('structure', 'add', STRUCT_B, '--db', DB);
	const users = [
		[STRUCT_A, 'acc.a', 'Alice Accueil', 'accueil'],
		[STRUCT_A, 'ts.a', 'Théo Travailleur', 'travailleur_social'],
		[STRUCT_A, 'resp.a', 'Rose Responsable', 'responsable'],
		[STRUCT_A, 'dis.a', 'Denis Désactivé', 'accueil'],
		[STRUCT_A, 'sess.a', 'Sacha Session', 'accueil'],
		[STRUCT_A, 'out.a', 'Odile Sortie', 'accueil'],
		[STRUCT_B, 'acc.b', 'Bruno Voisin', 'accueil'],
		[STRUCT_B, 'resp.b', 'Béatrice Cheffe', 'responsable'],
	];
	for (const [s, l, n, r] of users)
		lienOk('user', 'add', '--db', DB, '--structure', s, '--login', l, '--name', n, '--role', r, '--password', PW);
	lienOk('user', 'disable', 'dis.a', '--db', DB);
	for (const [, l] of users)
		ids[l] = userId(DB, l);

	lienOk('init', '--db', TDB);
	lienOk('structure', 'add', STRUCT_T, '--db', TDB);
	for (const l of ['thr.user', 'thr.other'])
		lienOk('user', 'add', '--db', TDB, '--structure', STRUCT_T, '--login', l, '--name', 'Thérèse Essai', '--role', 'accueil', '--password', PW);

	main = new Server('main', DB);
	small = new Server('small', DB, ['--max-body', '2048']);
	limits = new Server('limits', DB, ['--timeout', '2', '--request-timeout', '3', '--max-per-ip', '4']);
	thr = new Server('thr', TDB, ['--login-delay', '2']);
	await Promise.all(servers.map((s) => s.start()));
}

/* Login failures from 127.0.0.1 add up per address: the tests on the main
 * database start from a clean slate (throttling has its own server). */
function resetThrottle(db = DB) {
	sql(db, 'DELETE FROM login_throttle');
}

/* ================================================================== */
/* Tests                                                               */

test('health check answers with the schema version', async () => {
	const r = await request(main.port, 'GET', '/sante');
	status(r, 200, 'GET /sante');
	assert(/^ok schema=\d+\n$/.test(r.body), `body ${JSON.stringify(r.body)}`);
});

test('login page: French form with a pre-login token and cookie', async () => {
	const c = new Client(main);
	const r = await c.get('/connexion');
	status(r, 200, 'GET /connexion');
	has(r.body, '<html lang="fr">', 'page language');
	has(r.body, 'name="identifiant"', 'login field');
	has(r.body, 'name="mot_de_passe"', 'password field');
	const pre = c.jar.get('lien_pre');
	assert(pre && pre.length === 43, `lien_pre cookie of 43 characters, got ${pre}`);
	eq(csrfOf(r.body), pre, 'the form repeats the lien_pre cookie');
	const sc = r.setCookies.find((x) => x.startsWith('lien_pre='));
	assert(/HttpOnly/.test(sc) && /SameSite=Lax/.test(sc), `lien_pre attributes: ${sc}`);
	/* Not logged in: the protected pages send to the login form. */
	redirect(await c.get('/'), '/connexion?suite=/', 'GET / without a session');
	redirect(await c.get('/utilisateurs'), '/connexion?suite=/utilisateurs', 'GET /utilisateurs without a session');
});

test('login success: 303 to /, HttpOnly SameSite=Lax session cookie, home page', async () => {
	resetThrottle();
	const c = new Client(main);
	const r = await login(c, 'acc.a', PW);
	redirect(r, '/', 'POST /connexion');
	const sc = r.setCookies.find((x) => x.startsWith('lien_session='));
	assert(sc, 'a lien_session cookie is set');
	assert(/;\s*HttpOnly/i.test(sc), `HttpOnly: ${sc}`);
	assert(/;\s*SameSite=Lax/i.test(sc), `SameSite=Lax: ${sc}`);
	assert(/;\s*Path=\//i.test(sc), `Path=/: ${sc}`);
	assert(/^[A-Za-z0-9_-]{43}$/.test(c.session), `256-bit token, got ${c.session}`);
	const home = await c.get('/');
	status(home, 200, 'GET / once logged in');
	has(home.body, 'Bonjour Alice Accueil', 'greeting');
	has(home.body, STRUCT_A, 'structure name');
	/* Only a hash of the token is stored. */
	eq(sql(DB, `SELECT count(*) FROM sessions WHERE token_hash = '${c.session}'`), '0', 'raw token in the sessions table');
	eq(sql(DB, `SELECT count(*) FROM audit_log WHERE action = 'login.ok' AND user_id = ${ids['acc.a']}`) !== '0', true, 'login.ok audited');
});

test('login: a new token at each login; a planted or previous token is worth nothing', async () => {
	resetThrottle();
	const c = new Client(main);
	const planted = crypto.randomBytes(32).toString('base64url');
	c.jar.set('lien_session', planted);
	await loginOk(c, 'acc.a');
	const first = c.session;
	assert(first && first !== planted, 'the planted token is replaced');
	/* Logged in, the login page sends home: post the form again as a second tab would. */
	redirect(await c.get('/connexion'), '/', 'login page once logged in');
	const again = await c.post('/connexion', { csrf: c.jar.get('lien_pre'), suite: '/', identifiant: 'acc.a', mot_de_passe: PW });
	redirect(again, '/', 'second login');
	const second = c.session;
	assert(second && second !== first, 'a new token at the second login');
	const old = new Client(main);
	old.jar.set('lien_session', first);
	redirect(await old.get('/'), '/connexion?suite=/', 'the previous token after a new login');
	status(await c.get('/'), 200, 'the new token works');
	const other = new Client(main);
	await loginOk(other, 'acc.a');
	assert(other.session !== second, 'two logins never share a token');
});

test('wrong password → 401 with a generic message, identical for an unknown login', async () => {
	resetThrottle();
	const a = new Client(main), b = new Client(main);
	const bad = await login(a, 'acc.a', WRONG_PW);
	const unknown = await login(b, 'personne.inconnue', WRONG_PW);
	status(bad, 401, 'wrong password');
	status(unknown, 401, 'unknown login');
	eq(loginErrorOf(bad.body), 'Identifiant ou mot de passe incorrect.', 'message for a wrong password');
	eq(loginErrorOf(unknown.body), 'Identifiant ou mot de passe incorrect.', 'message for an unknown login');
	assert(!a.session && !b.session, 'no session cookie after a failure');
	/* The two pages differ only by the typed login and the form token. */
	const norm = (res, c, l) => res.body.split(c.jar.get('lien_pre')).join('TOKEN').split(`value="${l}"`).join('value="LOGIN"');
	eq(norm(bad, a, 'acc.a'), norm(unknown, b, 'personne.inconnue'), 'pages for a wrong password and an unknown login');
	has(bad.body, 'value="acc.a"', 'the login is typed back');
	eq(sql(DB, "SELECT count(*) FROM audit_log WHERE action = 'login.failed' AND detail = 'personne.inconnue'"), '1', 'failure audited');
});

test('disabled account: the right password is refused with the same message', async () => {
	resetThrottle();
	const c = new Client(main);
	const r = await login(c, 'dis.a', PW);
	status(r, 401, 'disabled account');
	eq(loginErrorOf(r.body), 'Identifiant ou mot de passe incorrect.', 'message');
	assert(!c.session, 'no session for a disabled account');
	assert(sql(DB, `SELECT count(*) FROM audit_log WHERE action = 'login.disabled' AND user_id = ${ids['dis.a']}`) !== '0', 'login.disabled audited');
});

test('login CSRF: no lien_pre cookie, a wrong or a short token → 403', async () => {
	resetThrottle();
	const token = crypto.randomBytes(32).toString('base64url');
	const creds = { identifiant: 'acc.a', mot_de_passe: PW, suite: '/' };
	const none = new Client(main);
	const r1 = await none.post('/connexion', { ...creds, csrf: token });
	status(r1, 403, 'login POST without the lien_pre cookie');
	has(r1.body, 'Accès refusé', '403 page title');
	const c = new Client(main);
	await c.get('/connexion');
	status(await c.post('/connexion', { ...creds, csrf: token }), 403, 'login POST with a token other than the cookie');
	status(await c.post('/connexion', creds), 403, 'login POST without a token');
	const shortTok = new Client(main);
	shortTok.jar.set('lien_pre', 'abc');
	status(await shortTok.post('/connexion', { ...creds, csrf: 'abc' }), 403, 'a short token equal to its cookie');
	assert(!none.session && !c.session && !shortTok.session, 'no session opened');
});

/* ---- throttling (own server and database) ------------------------ */

test('throttling: 5 failures, then an immediate attempt → 429 "Trop de tentatives"', async () => {
	resetThrottle(TDB);
	const c = new Client(thr);
	for (let i = 1; i <= 5; i++)
		status(await login(c, 'thr.user', WRONG_PW), 401, `failure ${i}`);
	const r = await login(c, 'thr.user', PW);
	status(r, 429, 'attempt right after the fifth failure, even with the right password');
	has(loginErrorOf(r.body) || '', 'Trop de tentatives', 'message');
	assert(!c.session, 'no session while throttled');
	assert(sql(TDB, "SELECT count(*) FROM audit_log WHERE action = 'login.throttled' AND detail = 'thr.user'") !== '0', 'login.throttled audited');
});

test('throttling: continued attempts lock the account, then even the right password is refused', async () => {
	const c = new Client(thr);
	let r, n = 0;
	do {
		r = await login(c, 'thr.user', WRONG_PW);
		n++;
	} while (!/bloquée/.test(r.body) && n < 15);
	status(r, 429, 'lockout');
	has(loginErrorOf(r.body) || '', 'bloquée', 'lockout message');
	const right = await login(c, 'thr.user', PW);
	status(right, 429, 'right password during the lockout');
	has(loginErrorOf(right.body) || '', 'bloquée', 'lockout message for the right password');
	assert(!c.session, 'no session during the lockout');
	assert(sql(TDB, "SELECT count(*) FROM audit_log WHERE action = 'login.locked' AND detail = 'thr.user'") !== '0', 'login.locked audited');
	const until = Number(sql(TDB, "SELECT locked_until - last_failure FROM login_throttle WHERE key = 'login:thr.user'"));
	assert(until >= 600, `lockout lasts minutes, got ${until} s`);
	/* Another account from the same address is not locked. */
	redirect(await login(new Client(thr), 'thr.other', PW), '/', 'another account during the lockout');
});

test('throttling: an unknown login is throttled the same way (no enumeration)', async () => {
	resetThrottle(TDB);
	const known = new Client(thr), unknown = new Client(thr);
	for (let i = 1; i <= 5; i++) {
		const a = await login(known, 'thr.other', WRONG_PW);
		const b = await login(unknown, 'fantome.inconnu', WRONG_PW);
		status(a, 401, `known login, failure ${i}`);
		status(b, 401, `unknown login, failure ${i}`);
	}
	const a = await login(known, 'thr.other', WRONG_PW);
	const b = await login(unknown, 'fantome.inconnu', WRONG_PW);
	status(a, 429, 'known login after 5 failures');
	status(b, 429, 'unknown login after 5 failures');
	eq(loginErrorOf(b.body).replace(/\d+/g, 'N'), loginErrorOf(a.body).replace(/\d+/g, 'N'), 'throttle message for an unknown login');
});

test('throttling per address: many failures from one address delay every account', async () => {
	resetThrottle(TDB);
	/* 19 failures already recorded for the address: the 20th starts the delays. */
	const now = Math.floor(Date.now() / 1000);
	sql(TDB, `INSERT INTO login_throttle (key, failures, last_failure, locked_until) VALUES ('ip:127.0.0.1', 19, ${now}, 0)`);
	const c = new Client(thr);
	status(await login(c, 'inconnu.1', WRONG_PW), 401, '20th failure from the address');
	const r = await login(c, 'thr.other', PW);
	status(r, 429, 'right password of another account right after');
	has(loginErrorOf(r.body) || '', 'Trop de tentatives', 'message');
	resetThrottle(TDB);
	redirect(await login(c, 'thr.other', PW), '/', 'once the counters are cleared');
	eq(sql(TDB, "SELECT count(*) FROM login_throttle WHERE key = 'login:thr.other'"), '0', 'a success clears the account counter');
});

/* ---- sessions ----------------------------------------------------- */

test('session expiry: 30 minutes idle → redirect to /connexion?suite=, session deleted', async () => {
	resetThrottle();
	const c = new Client(main);
	await loginOk(c, 'sess.a');
	status(await c.get('/'), 200, 'fresh session');
	sql(DB, `UPDATE sessions SET last_seen = last_seen - 1700 WHERE user_id = ${ids['sess.a']}`);
	status(await c.get('/compte'), 200, 'after 28 minutes idle (still valid)');
	sql(DB, `UPDATE sessions SET last_seen = last_seen - 4000 WHERE user_id = ${ids['sess.a']}`);
	const token = c.session;
	const r = await c.get('/');
	redirect(r, '/connexion?suite=/', 'GET / after 1 h idle');
	assert(r.setCookies.some((x) => /^lien_session=;.*Max-Age=0/.test(x)), `the cookie is cleared: ${r.setCookies}`);
	eq(sql(DB, `SELECT count(*) FROM sessions WHERE user_id = ${ids['sess.a']}`), '0', 'sessions left in the database');
	const again = new Client(main);
	again.jar.set('lien_session', token);
	redirect(await again.get('/compte'), '/connexion?suite=/compte', 'the expired token once more');
});

test('session expiry: 12 hours absolute, even when active', async () => {
	resetThrottle();
	const c = new Client(main);
	await loginOk(c, 'sess.a');
	const now = Math.floor(Date.now() / 1000);
	sql(DB, `UPDATE sessions SET created_at = ${now - 11 * 3600}, last_seen = ${now} WHERE user_id = ${ids['sess.a']}`);
	status(await c.get('/'), 200, 'an 11-hour session');
	sql(DB, `UPDATE sessions SET created_at = ${now - 12 * 3600 - 120}, last_seen = ${now} WHERE user_id = ${ids['sess.a']}`);
	redirect(await c.get('/'), '/connexion?suite=/', 'a 12-hour session');
});

test('session expiry during a POST: 401 login form keeps the typed fields (escaped), then offers them again', async () => {
	resetThrottle();
	const c = new Client(main);
	await loginOk(c, 'sess.a');
	const csrf = csrfOf((await c.get('/')).body);
	sql(DB, `UPDATE sessions SET last_seen = last_seen - 4000 WHERE user_id = ${ids['sess.a']}`);
	const typed = `<b>"Zoé & Cie"</b> l'été`;
	const r = await c.post('/compte/mot-de-passe', { csrf, note: typed, detail: 'ligne 1\nligne 2' });
	status(r, 401, 'POST with an expired session');
	has(r.body, 'Votre session a expiré', 'expiry notice');
	has(r.body, `name="keep_note" value="&lt;b&gt;&quot;Zoé &amp; Cie&quot;&lt;/b&gt; l&#39;été"`, 'kept field, escaped');
	hasNot(r.body, '<b>"Zoé', 'raw typed HTML');
	hasNot(r.body, 'keep_csrf', 'the old token is not kept');
	const fields = hiddenFields(r.body, '/connexion');
	eq(fields.suite, '/compte/mot-de-passe', 'return path');
	eq(fields.keep_note, typed, 'kept value round trip');
	eq(fields.keep_detail, 'ligne 1\nligne 2', 'kept multi-line value');
	eq(fields.csrf, c.jar.get('lien_pre'), 'login token on the 401 form');
	/* Logging in again offers the kept input, not yet saved. */
	const back = await c.post('/connexion', { ...fields, identifiant: 'sess.a', mot_de_passe: PW });
	status(back, 200, 'login with kept fields');
	has(back.body, 'Reprendre votre saisie', 'resume page');
	const resume = hiddenFields(back.body, '/compte/mot-de-passe');
	eq(resume.note, typed, 'kept value offered again');
	eq(resume.csrf, csrfOf((await c.get('/compte')).body), 'the resume form carries the new session token');
});

test('logout deletes the session server-side', async () => {
	resetThrottle();
	const c = new Client(main);
	await loginOk(c, 'out.a');
	const token = c.session;
	status(await c.post('/deconnexion', {}), 403, 'logout without the form token');
	status(await c.get('/'), 200, 'still logged in after a refused logout');
	const page = await c.get('/');
	const r = await c.post('/deconnexion', { csrf: csrfOf(page.body) });
	redirect(r, '/connexion', 'logout');
	assert(r.setCookies.some((x) => /^lien_session=;.*Max-Age=0/.test(x)), 'cookie cleared');
	eq(sql(DB, `SELECT count(*) FROM sessions WHERE user_id = ${ids['out.a']}`), '0', 'sessions left after logout');
	const replay = new Client(main);
	replay.jar.set('lien_session', token);
	redirect(await replay.get('/'), '/connexion?suite=/', 'the old cookie after logout');
	const flash = await c.get('/connexion');
	has(flash.body, 'Vous êtes déconnecté.', 'logout message');
});

test('CSRF: a POST without, with a wrong, or with another session\'s token → 403', async () => {
	resetThrottle();
	const c = new Client(main), other = new Client(main);
	await loginOk(c, 'acc.a');
	await loginOk(other, 'ts.a');
	const mine = csrfOf((await c.get('/compte')).body);
	const theirs = csrfOf((await other.get('/compte')).body);
	const form = { actuel: PW, nouveau: 'Glycine-Mauve-2027', confirmation: 'autre chose' };
	const r1 = await c.post('/compte/mot-de-passe', form);
	status(r1, 403, 'no token');
	has(r1.body, 'Le formulaire a expiré ou ne vient pas de Lien', 'French explanation');
	status(await c.post('/compte/mot-de-passe', { ...form, csrf: mine.slice(0, -1) + (mine.endsWith('A') ? 'B' : 'A') }), 403, 'wrong token');
	status(await c.post('/compte/mot-de-passe', { ...form, csrf: theirs }), 403, 'another session\'s token');
	status(await c.post('/compte/mot-de-passe', { ...form, csrf: '' }), 403, 'empty token');
	/* Query-string tokens do not count: the token must be in the body. */
	status(await c.post(`/compte/mot-de-passe?csrf=${encodeURIComponent(mine)}`, form), 403, 'token in the query string');
	const ok = await c.post('/compte/mot-de-passe', { ...form, csrf: mine });
	status(ok, 422, 'right token (then a field error)');
	has(ok.body, 'La confirmation ne correspond pas', 'field error');
});

/* ---- roles and second factor ------------------------------------- */

test('roles: accueil and travailleur_social get 403 on /utilisateurs and /journal', async () => {
	resetThrottle();
	for (const l of ['acc.a', 'ts.a']) {
		const c = new Client(main);
		await loginOk(c, l);
		const csrf = csrfOf((await c.get('/')).body);
		for (const p of ['/utilisateurs', '/utilisateurs/nouveau', '/journal']) {
			const r = await c.get(p);
			status(r, 403, `${l} GET ${p}`);
			has(r.body, 'Votre rôle ne permet pas', `${l} ${p} message`);
		}
		const create = await c.post('/utilisateurs', { csrf, nom: 'Intrus Total', identifiant: `intrus.${l}`, role: 'responsable', mot_de_passe: 'Glycine-Mauve-2027' });
		status(create, 403, `${l} POST /utilisateurs`);
		status(await c.post(`/utilisateurs/${ids['out.a']}/desactiver`, { csrf }), 403, `${l} disables a colleague`);
		status(await c.post(`/utilisateurs/${ids['out.a']}/mot-de-passe`, { csrf, mot_de_passe: 'Glycine-Mauve-2027' }), 403, `${l} resets a password`);
		const home = await c.get('/');
		hasNot(home.body, 'href="/utilisateurs"', `${l} navigation`);
	}
	eq(sql(DB, "SELECT count(*) FROM users WHERE login LIKE 'intrus.%'"), '0', 'accounts created by refused requests');
	eq(sql(DB, `SELECT disabled FROM users WHERE id = ${ids['out.a']}`), '0', 'colleague still enabled');
});

/* The route table itself, read from src/web/routes.c: a route added later
 * is covered without editing this file. */
function routeTable() {
	const src = fs.readFileSync(path.join(ROOT, 'src/web/routes.c'), 'utf8');
	const out = [];
	for (const m of src.matchAll(/^\s*\{(GET|POST), "([^"]+)", (\w+), ([^,]+), ([^}]+)\},/gm))
		out.push({ method: m[1], pattern: m[2], handler: m[3], flags: m[4].trim(), roles: m[5].trim() });
	return out;
}

test('route table: every non-public route refuses a visitor without a session', async () => {
	const routes = routeTable().filter((r) => !/R_PUBLIC/.test(r.flags));
	assert(routes.length >= 10, `routes read from routes.c: ${routes.length}`);
	for (const r of routes) {
		const p = r.pattern.replace(/\{id\}/g, String(ids['acc.a']));
		if (r.method === 'GET') {
			redirect(await request(main.port, 'GET', p), `/connexion?suite=${p}`, `anonymous GET ${p}`);
		} else {
			const res = await request(main.port, 'POST', p, { headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': 5 }, body: 'x=abc' });
			status(res, 401, `anonymous POST ${p}`);
			has(res.body, 'action="/connexion"', `anonymous POST ${p}: login form`);
		}
	}
	eq(sql(DB, `SELECT disabled FROM users WHERE id = ${ids['acc.a']}`), '0', 'acc.a untouched');
});

/* Whether a route's roles expression lets accueil in, expanding the
 * file's own #defines (STAFF, HEAD_OF, ...). */
function allowsAccueil(expr) {
	const src = fs.readFileSync(path.join(ROOT, 'src/web/routes.c'), 'utf8');
	const defs = Object.fromEntries([...src.matchAll(/^#define (\w+) (.+)$/gm)].map((m) => [m[1], m[2]]));
	for (let i = 0; i < 5; i++)
		expr = expr.replace(/\b[A-Z_]+\b/g, (w) => defs[w] || w);
	return /\b(ROLE_ACCUEIL|ROLES_STRUCTURE|ROLES_ALL)\b/.test(expr);
}

test('route table: every route closed to accueil answers 403, even with a valid token', async () => {
	resetThrottle();
	const routes = routeTable().filter((r) => !/R_PUBLIC/.test(r.flags) && !allowsAccueil(r.roles));
	assert(routes.some((r) => r.pattern === '/utilisateurs') && routes.some((r) => r.pattern === '/journal'),
	       `routes closed to accueil read from routes.c: ${routes.map((r) => r.pattern)}`);
	const c = new Client(main);
	await loginOk(c, 'acc.a');
	const csrf = csrfOf((await c.get('/')).body);
	for (const r of routes) {
		const p = r.pattern.replace(/\{id\}/g, String(ids['out.a']));
		const res = r.method === 'GET' ? await c.get(p)
			: await c.post(p, { csrf, nom: 'Intrus Total', identifiant: 'intrus.route', role: 'responsable', mot_de_passe: 'Glycine-Mauve-2027' });
		status(res, 403, `accueil ${r.method} ${p}`);
	}
	eq(sql(DB, "SELECT count(*) FROM users WHERE login = 'intrus.route'"), '0', 'account created by a refused request');
	eq(sql(DB, `SELECT CAST(disabled AS TEXT) || CAST(must_change_password AS TEXT) FROM users WHERE id = ${ids['out.a']}`), '00', 'colleague untouched');
});

test('X-Forwarded-For is ignored without --behind-proxy (no throttling bypass, true address audited)', async () => {
	resetThrottle();
	const c = new Client(main);
	await c.get('/connexion');
	const r = await c.post('/connexion', { csrf: c.jar.get('lien_pre'), identifiant: 'xff.inconnu', mot_de_passe: WRONG_PW, suite: '/' },
		{ headers: { 'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Proto': 'https', 'X-Real-IP': '203.0.113.9' } });
	status(r, 401, 'login failure with forged proxy headers');
	eq(sql(DB, "SELECT ip FROM audit_log WHERE action = 'login.failed' AND detail = 'xff.inconnu'"), '127.0.0.1', 'audited address');
	eq(sql(DB, "SELECT group_concat(key) FROM login_throttle WHERE key LIKE 'ip:%'"), 'ip:127.0.0.1', 'throttled address');
	const ok = new Client(main);
	await ok.get('/connexion');
	const li = await ok.post('/connexion', { csrf: ok.jar.get('lien_pre'), identifiant: 'acc.a', mot_de_passe: PW, suite: '/' }, { headers: { 'X-Forwarded-Proto': 'https' } });
	redirect(li, '/', 'login');
	assert(!li.setCookies.some((x) => /;\s*Secure/i.test(x)) && !li.headers['strict-transport-security'], 'X-Forwarded-Proto trusted without --behind-proxy');
	resetThrottle();
});

const respA = () => respA.client;   /* the responsable of A, logged in with TOTP */

test('second factor: a responsable must enrol before reaching any page', async () => {
	resetThrottle();
	const c = new Client(main);
	const r = await login(c, 'resp.a', PW);
	redirect(r, '/compte/double-authentification', 'password step of a responsable');
	const pending = c.session;
	for (const p of ['/', '/utilisateurs', '/journal', '/compte'])
		redirect(await c.get(p), '/compte/double-authentification', `GET ${p} before enrolment`);
	redirect(await c.get('/connexion/code'), '/compte/double-authentification', 'code page before enrolment');
	const page = await c.get('/compte/double-authentification');
	status(page, 200, 'enrolment page');
	has(page.body, '<svg', 'QR code');
	const m = /<code class="secret">([A-Z2-7 ]+)<\/code>/.exec(page.body);
	assert(m && /^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/.test(m[1]), `secret grouped by four: ${m && m[1]}`);
	/* Reloading keeps the same secret (a QR code already scanned stays good). */
	has((await c.get('/compte/double-authentification')).body, m[1], 'same secret after a reload');
	totpUsers.set('resp.a', { key: base32Decode(m[1]), lastStep: 0, recovery: [] });
	const csrf = csrfOf(page.body);
	const bad = await c.post('/compte/double-authentification', { csrf, code: wrongCode('resp.a') });
	status(bad, 422, 'wrong enrolment code');
	has(bad.body, 'Code incorrect', 'field error');
	redirect(await c.get('/'), '/compte/double-authentification', 'still pending after a wrong code');
	const done = await c.post('/compte/double-authentification', { csrf, code: await nextCode('resp.a') });
	status(done, 200, 'enrolment confirmed');
	has(done.body, 'Vos codes de secours', 'recovery codes page');
	const codes = [...done.body.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((x) => x[1]);
	assert(codes.length >= 8 && new Set(codes).size === codes.length, `distinct recovery codes: ${codes}`);
	totpUsers.get('resp.a').recovery = codes;
	assert(c.session && c.session !== pending, 'a new session token after the second factor');
	const old = new Client(main);
	old.jar.set('lien_session', pending);
	redirect(await old.get('/'), '/connexion?suite=/', 'the pre-second-factor token afterwards');
	status(await c.get('/'), 200, 'home after enrolment');
	status(await c.get('/utilisateurs'), 200, 'users page for the responsable');
	status(await c.get('/journal'), 200, 'audit page for the responsable');
	eq(sql(DB, `SELECT totp_enabled FROM users WHERE id = ${ids['resp.a']}`), '1', 'totp_enabled');
	const keyHex = totpUsers.get('resp.a').key.toString('hex').toUpperCase();
	eq(sql(DB, `SELECT instr(hex(totp_secret), '${keyHex}') FROM users WHERE id = ${ids['resp.a']}`), '0', 'TOTP secret stored in clear');
});

test('second factor: next login asks /connexion/code; wrong code refused; token changes', async () => {
	resetThrottle();
	const c = new Client(main);
	const r = await login(c, 'resp.a', PW);
	redirect(r, '/connexion/code?suite=/', 'password step');
	const pending = c.session;
	redirect(await c.get('/'), '/connexion/code', 'home before the code');
	redirect(await c.get('/compte/double-authentification'), '/connexion/code', 'enrolment page once enrolled');
	const page = await c.get('/connexion/code');
	status(page, 200, 'code page');
	const fields = hiddenFields(page.body, '/connexion/code');
	const bad = await c.post('/connexion/code', { ...fields, code: wrongCode('resp.a') });
	status(bad, 422, 'wrong code');
	has(bad.body, 'Code incorrect ou déjà utilisé', 'message');
	status(await c.post('/connexion/code', { ...fields, code: 'abcdef' }), 422, 'letters');
	status(await c.post('/connexion/code', { ...fields, code: '' }), 422, 'empty code');
	const ok = await c.post('/connexion/code', { ...fields, code: await nextCode('resp.a') });
	redirect(ok, '/', 'right code');
	assert(c.session && c.session !== pending, 'new token after the second factor');
	status(await c.get('/utilisateurs'), 200, 'users page');
	const old = new Client(main);
	old.jar.set('lien_session', pending);
	redirect(await old.get('/'), '/connexion?suite=/', 'the pending token afterwards');
	assert(sql(DB, `SELECT count(*) FROM audit_log WHERE action = 'login.totp_failed' AND user_id = ${ids['resp.a']}`) !== '0', 'failed code audited');
	respA.client = c;
});

test('second factor: the same code cannot be used twice (replay)', async () => {
	resetThrottle();
	const used = hotp(totpUsers.get('resp.a').key, totpUsers.get('resp.a').lastStep);
	const c = new Client(main);
	redirect(await login(c, 'resp.a', PW), '/connexion/code?suite=/', 'password step');
	const fields = hiddenFields((await c.get('/connexion/code')).body, '/connexion/code');
	const r = await c.post('/connexion/code', { ...fields, code: used });
	status(r, 422, 'replayed code');
	redirect(await c.get('/'), '/connexion/code', 'still pending after a replay');
	/* An older code of the window is no better than the same one. */
	const older = hotp(totpUsers.get('resp.a').key, totpUsers.get('resp.a').lastStep - 1);
	status(await c.post('/connexion/code', { ...fields, code: older }), 422, 'an older code');
});

test('second factor: a recovery code works once', async () => {
	resetThrottle();
	const codes = totpUsers.get('resp.a').recovery;
	const c = new Client(main);
	redirect(await login(c, 'resp.a', PW), '/connexion/code?suite=/', 'password step');
	let fields = hiddenFields((await c.get('/connexion/code')).body, '/connexion/code');
	redirect(await c.post('/connexion/code', { ...fields, code: codes[0] }), '/', 'recovery code');
	assert(sql(DB, `SELECT count(*) FROM audit_log WHERE action = 'login.recovery_code' AND user_id = ${ids['resp.a']}`) !== '0', 'recovery code audited');
	await logout(c);
	redirect(await login(c, 'resp.a', PW), '/connexion/code?suite=/', 'password step again');
	fields = hiddenFields((await c.get('/connexion/code')).body, '/connexion/code');
	status(await c.post('/connexion/code', { ...fields, code: codes[0] }), 422, 'the same recovery code again');
	/* Typed in capitals and without the dashes, another code works. */
	redirect(await c.post('/connexion/code', { ...fields, code: codes[1].replace(/-/g, ' ').toUpperCase() }), '/', 'another recovery code, typed loosely');
	const page = await c.get('/compte/double-authentification');
	has(page.body, `Il vous reste ${codes.length - 2} code(s) de secours`, 'codes left');
});

/* ---- structures and account administration ------------------------ */

test('cross-structure: a responsable of A cannot disable, enable or reset a user of B (404)', async () => {
	resetThrottle();
	const c = respA();
	assert(c, 'the responsable of A is logged in (earlier test)');
	const csrf = csrfOf((await c.get('/utilisateurs')).body);
	const idB = ids['acc.b'];
	for (const [p, f] of [['desactiver', {}], ['reactiver', {}], ['mot-de-passe', { mot_de_passe: 'Glycine-Mauve-2027' }]]) {
		const r = await c.post(`/utilisateurs/${idB}/${p}`, { csrf, ...f });
		status(r, 404, `POST /utilisateurs/${idB}/${p}`);
		has(r.body, 'Page introuvable', `${p}: 404 page`);
	}
	status(await c.post('/utilisateurs/999999/desactiver', { csrf }), 404, 'an id that does not exist');
	const list = lienOk('user', 'list', '--db', DB, '--structure', STRUCT_B);
	assert(/^acc\.b\t.*\tactif/m.test(list), `acc.b is still enabled: ${list}`);
	eq(sql(DB, `SELECT must_change_password FROM users WHERE id = ${idB}`), '0', 'acc.b password not reset');
	const b = new Client(main);
	redirect(await login(b, 'acc.b', PW), '/', 'acc.b logs in with the original password');
	status(await b.get('/'), 200, 'acc.b home');
	const bad = await login(new Client(main), 'acc.b', WRONG_PW);  /* an audit row of B */
	status(bad, 401, 'failure of acc.b');
	assert(sql(DB, `SELECT count(*) FROM audit_log WHERE action LIKE 'user.%' AND object_id = ${idB} AND ip = '127.0.0.1'`) === '0', 'no audit row of a change on B by the web');
});

test('cross-structure: users and audit pages show only the own structure', async () => {
	const c = respA();
	const users = await c.get('/utilisateurs');
	status(users, 200, 'users page');
	has(users.body, 'acc.a', 'own user listed');
	has(users.body, 'Rose Responsable', 'own name listed');
	for (const x of ['acc.b', 'resp.b', 'Bruno Voisin', 'Béatrice Cheffe', 'thr.user'])
		hasNot(users.body, x, 'users page of A');
	const journal = await c.get('/journal');
	status(journal, 200, 'audit page');
	has(journal.body, 'login.ok', 'own structure rows');
	hasNot(journal.body, 'acc.b', 'audit page of A (a failed login of acc.b belongs to B)');
	/* And the other way round. */
	resetThrottle();
	const b = new Client(main);
	await enrolTotp(b, 'resp.b');
	const ub = await b.get('/utilisateurs');
	status(ub, 200, 'users page of B');
	has(ub.body, 'acc.b', 'B lists its user');
	for (const x of ['acc.a', 'resp.a', 'Rose Responsable', 'Alice Accueil'])
		hasNot(ub.body, x, 'users page of B');
	const jb = await b.get('/journal');
	hasNot(jb.body, 'resp.a', 'audit page of B');
	hasNot(jb.body, 'personne.inconnue', 'audit page of B (failures of unknown logins)');
});

test('user administration: a password holding the structure name or the login is an error on the password field', async () => {
	const c = respA();
	const csrf = csrfOf((await c.get('/utilisateurs/nouveau')).body);
	const base = { csrf, nom: 'Nina Nouvelle', identifiant: 'nina.nouvelle', courriel: '', role: 'accueil' };
	for (const [pw, text] of [['Roubaix-Glycine-2027', 'nom de la structure'], ['Ninanouvelle-2027!', 'identifiant du compte']]) {
		const r = await c.post('/utilisateurs', { ...base, mot_de_passe: pw });
		status(r, 422, `password ${pw}`);
		has(r.body, text, `password ${pw}: message`);
		has(r.body, 'id="mot_de_passe-erreur"', `password ${pw}: error tied to the password field`);
		hasNot(r.body, 'id="nom-erreur"', `password ${pw}: error shown on the name field`);
		hasNot(r.body, 'id="identifiant-erreur"', `password ${pw}: error shown on the login field`);
	}
	eq(sql(DB, "SELECT count(*) FROM users WHERE login = 'nina.nouvelle'"), '0', 'nothing created');
});

const NEW_NAME = `<script>alert("x")</script> O'Brien & Fils`;
const NEW_PW = 'Glycine-Mauve-2027';

test('user administration: field errors for a bad login, a weak password, a duplicate, an admin role', async () => {
	const c = respA();
	const form = await c.get('/utilisateurs/nouveau');
	status(form, 200, 'new user form');
	const csrf = csrfOf(form.body);
	const base = { csrf, nom: 'Nina Nouvelle', identifiant: 'nina.nouvelle', courriel: '', role: 'accueil', mot_de_passe: NEW_PW };
	const cases = [
		[{ identifiant: 'Nina Nouvelle!' }, 'identifiant', 'identifiant doit faire'],
		[{ identifiant: 'n' }, 'identifiant', 'identifiant doit faire'],
		[{ mot_de_passe: 'azerty123' }, 'mot_de_passe', null],
		[{ identifiant: 'acc.a' }, 'identifiant', 'déjà utilisé'],
		[{ identifiant: 'acc.b' }, 'identifiant', 'déjà utilisé'],
		[{ role: 'administrateur' }, 'role', 'Choisissez un rôle'],
		[{ role: '' }, 'role', 'Choisissez un rôle'],
		[{ courriel: 'pas-une-adresse' }, 'courriel', 'adresse'],
		[{ nom: 'N' }, 'nom', 'nom'],
	];
	for (const [change, field, text] of cases) {
		const r = await c.post('/utilisateurs', { ...base, ...change });
		const what = `create with ${JSON.stringify(change)}`;
		status(r, 422, what);
		has(r.body, `id="${field}-erreur"`, `${what}: error tied to the field`);
		has(r.body, `<a href="#${field}">`, `${what}: error summary links to the field`);
		if (text)
			has(r.body, text, `${what}: message`);
		has(r.body, '<title>Erreur – ', `${what}: page title says there is an error`);
	}
	const typed = await c.post('/utilisateurs', { ...base, identifiant: 'x', nom: 'Zoé <i>"ici"</i>' });
	has(typed.body, 'value="Zoé &lt;i&gt;&quot;ici&quot;&lt;/i&gt;"', 'typed name kept, escaped');
	eq(sql(DB, "SELECT count(*) FROM users WHERE login IN ('nina.nouvelle', 'x', 'n')"), '0', 'nothing created by refused forms');
	eq(sql(DB, "SELECT count(*) FROM users WHERE role = 'administrateur'"), '0', 'administrateurs');
});

test('user administration: HTML in the name is stored as typed and shown escaped', async () => {
	const c = respA();
	const csrf = csrfOf((await c.get('/utilisateurs/nouveau')).body);
	const r = await c.post('/utilisateurs', { csrf, nom: NEW_NAME, identifiant: 'nouvel.agent', courriel: 'agent@example.org', role: 'travailleur_social', mot_de_passe: NEW_PW });
	redirect(r, '/utilisateurs', 'create');
	ids['nouvel.agent'] = userId(DB, 'nouvel.agent');
	eq(sql(DB, `SELECT display_name FROM users WHERE id = ${ids['nouvel.agent']}`), NEW_NAME, 'stored name');
	eq(sql(DB, `SELECT structure_id = (SELECT structure_id FROM users WHERE login = 'resp.a') FROM users WHERE id = ${ids['nouvel.agent']}`), '1', 'created in the responsable\'s structure');
	const list = await c.get('/utilisateurs');
	has(list.body, 'Le compte « nouvel.agent » a été créé', 'flash message');
	has(list.body, '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; Fils', 'escaped name');
	hasNot(list.body, '<script>alert', 'raw script');
	assert(sql(DB, `SELECT count(*) FROM audit_log WHERE action = 'user.add' AND object_id = ${ids['nouvel.agent']} AND user_id = ${ids['resp.a']}`) === '1', 'user.add audited with the author');
	/* A SQL-looking name is data, not code. */
	const sqlName = `Robert'); DROP TABLE users;--`;
	redirect(await c.post('/utilisateurs', { csrf, nom: sqlName, identifiant: 'bobby.tables', role: 'accueil', mot_de_passe: NEW_PW }), '/utilisateurs', 'create a SQL-looking name');
	eq(sql(DB, "SELECT display_name FROM users WHERE login = 'bobby.tables'"), sqlName, 'stored as typed');
	has((await c.get('/utilisateurs')).body, 'Robert&#39;); DROP TABLE users;--', 'shown escaped');
});

test('user administration: a new user must change the password at first login', async () => {
	resetThrottle();
	const u = new Client(main);
	redirect(await login(u, 'nouvel.agent', NEW_PW), '/', 'first login');
	redirect(await u.get('/'), '/compte', 'home before changing the password');
	const account = await u.get('/compte');
	status(account, 200, 'account page');
	has(account.body, 'choisissez-en un nouveau', 'notice');
	has(account.body, 'Choisissez un nouveau mot de passe avant de continuer.', 'flash');
	const csrf = csrfOf(account.body);
	const same = await u.post('/compte/mot-de-passe', { csrf, actuel: NEW_PW, nouveau: NEW_PW, confirmation: NEW_PW });
	status(same, 422, 'the same password again');
	const wrong = await u.post('/compte/mot-de-passe', { csrf, actuel: WRONG_PW, nouveau: 'Hortensia-Blanc-2028', confirmation: 'Hortensia-Blanc-2028' });
	status(wrong, 422, 'wrong current password');
	has(wrong.body, 'id="actuel-erreur"', 'error on the current password field');
	redirect(await u.post('/compte/mot-de-passe', { csrf, actuel: NEW_PW, nouveau: 'Hortensia-Blanc-2028', confirmation: 'Hortensia-Blanc-2028' }), '/compte', 'change');
	const home = await u.get('/');
	status(home, 200, 'home after the change');
	has(home.body, 'Bonjour &lt;script&gt;', 'escaped name in the greeting');
	hasNot(home.body, '<script>alert', 'raw script in the greeting');
	respA.agent = u;
});

test('user administration: disabling ends the user\'s sessions; enabling and resetting', async () => {
	resetThrottle();
	const c = respA(), u = respA.agent;
	assert(u, 'the new user is logged in (earlier test)');
	const id = ids['nouvel.agent'];
	const csrf = csrfOf((await c.get('/utilisateurs')).body);
	redirect(await c.post(`/utilisateurs/${id}/desactiver`, { csrf }), '/utilisateurs', 'disable');
	redirect(await u.get('/'), '/connexion?suite=/', 'the disabled user\'s session');
	eq(sql(DB, `SELECT count(*) FROM sessions WHERE user_id = ${id}`), '0', 'sessions of the disabled user');
	status(await login(new Client(main), 'nouvel.agent', 'Hortensia-Blanc-2028'), 401, 'login of a disabled user');
	assert(/^nouvel\.agent\t.*\tdésactivé/m.test(lienOk('user', 'list', '--db', DB)), 'CLI shows the account disabled');
	redirect(await c.post(`/utilisateurs/${id}/reactiver`, { csrf }), '/utilisateurs', 'enable');
	const v = new Client(main);
	redirect(await login(v, 'nouvel.agent', 'Hortensia-Blanc-2028'), '/', 'login after enabling');
	status(await v.get('/'), 200, 'home after enabling');
	const weak = await c.post(`/utilisateurs/${id}/mot-de-passe`, { csrf, mot_de_passe: 'azerty123' });
	status(weak, 422, 'reset to a weak password');
	redirect(await c.post(`/utilisateurs/${id}/mot-de-passe`, { csrf, mot_de_passe: 'Jonquille-Rose-2029' }), '/utilisateurs', 'reset');
	redirect(await v.get('/'), '/connexion?suite=/', 'sessions end at a reset');
	status(await login(new Client(main), 'nouvel.agent', 'Hortensia-Blanc-2028'), 401, 'old password after a reset');
	const w = new Client(main);
	redirect(await login(w, 'nouvel.agent', 'Jonquille-Rose-2029'), '/', 'temporary password');
	redirect(await w.get('/'), '/compte', 'must change after a reset');
	for (const a of ['user.disable', 'user.enable', 'user.reset_password'])
		eq(sql(DB, `SELECT count(*) FROM audit_log WHERE action = '${a}' AND object_id = ${id} AND user_id = ${ids['resp.a']}`), '1', `${a} audited`);
});

test('account: reusing the current password is an error on the new-password field', async () => {
	resetThrottle();
	const c = new Client(main);
	await loginOk(c, 'sess.a');
	const csrf = csrfOf((await c.get('/compte')).body);
	const r = await c.post('/compte/mot-de-passe', { csrf, actuel: PW, nouveau: PW, confirmation: PW });
	status(r, 422, 'the same password again');
	has(r.body, 'différent de l', 'message');
	has(r.body, 'id="nouveau-erreur"', 'error tied to the new-password field');
	hasNot(r.body, 'id="actuel-erreur"', 'error on the current-password field (which was right)');
});

test('user administration: a responsable cannot disable the own account', async () => {
	const c = respA();
	const csrf = csrfOf((await c.get('/utilisateurs')).body);
	const r = await c.post(`/utilisateurs/${ids['resp.a']}/desactiver`, { csrf });
	status(r, 400, 'disable self');
	has(r.body, 'propre compte', 'message');
	status(await c.get('/'), 200, 'still logged in');
});

/* ---- headers, static files, error pages ---------------------------- */

function securityHeaders(r, what) {
	const csp = r.headers['content-security-policy'] || '';
	assert(/frame-ancestors 'none'/.test(csp), `${what}: CSP with frame-ancestors 'none' (got ${JSON.stringify(csp)})`);
	assert(/default-src 'self'/.test(csp), `${what}: CSP default-src 'self'`);
	assert(!/unsafe-inline|unsafe-eval/.test(csp), `${what}: CSP without unsafe-inline/unsafe-eval`);
	eq(r.headers['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
	eq(r.headers['referrer-policy'], 'same-origin', `${what}: Referrer-Policy`);
	eq(r.headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options`);
	assert(!r.headers['strict-transport-security'], `${what}: no HSTS on plain HTTP`);
}

test('security headers on every response, no-store on pages, no inline script or style', async () => {
	const c = respA();
	const anon = new Client(main);
	const css = await anon.get('/static/lien.css');
	const responses = [
		['GET /connexion', await anon.get('/connexion')],
		['GET / (redirect)', await anon.get('/')],
		['GET /sante', await anon.get('/sante')],
		['GET /accessibilite', await anon.get('/accessibilite')],
		['404', await anon.get('/nexiste-pas')],
		['405', await anon.post('/sante', {})],
		['403 CSRF', await anon.post('/connexion', {})],
		['GET / logged in', await c.get('/')],
		['GET /utilisateurs', await c.get('/utilisateurs')],
		['GET /journal', await c.get('/journal')],
		['GET /compte', await c.get('/compte')],
		['static', css],
		['static 304', await anon.get('/static/lien.css', { headers: { 'If-None-Match': css.headers.etag } })],
		['HEAD /connexion', await anon.req('HEAD', '/connexion')],
	];
	for (const [what, r] of responses) {
		securityHeaders(r, what);
		if (what.startsWith('static'))
			continue;
		eq(r.headers['cache-control'], 'no-store', `${what}: Cache-Control`);
		const timing = r.headers['server-timing'];
		assert(/^app;dur=\d+\.\d{3}$/.test(timing), `${what}: Server-Timing in milliseconds (got ${JSON.stringify(timing)})`);
		if (r.status !== 303 && what !== 'GET /sante' && what !== 'HEAD /connexion') {
			assert(/^text\/html; charset=utf-8$/i.test(r.headers['content-type']), `${what}: HTML content type, got ${r.headers['content-type']}`);
			assert(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(r.body), `${what}: inline <script>`);
			assert(!/<style|\sstyle=|\son[a-z]+=/i.test(r.body), `${what}: inline style or event handler`);
		}
	}
});

test('static assets: ETag, a year of cache, 304 on If-None-Match, nothing outside the table', async () => {
	const page = await request(main.port, 'GET', '/connexion');
	const href = /<link rel="stylesheet" href="([^"]+)">/.exec(page.body)[1];
	assert(/^\/static\/lien\.css\?v=[0-9a-f]+$/.test(href), `versioned stylesheet URL: ${href}`);
	const r = await request(main.port, 'GET', href);
	status(r, 200, href);
	assert(/^text\/css/.test(r.headers['content-type']), `CSS type: ${r.headers['content-type']}`);
	const etag = r.headers.etag;
	assert(/^"[0-9a-f]{16}"$/.test(etag || ''), `strong ETag: ${etag}`);
	assert(/max-age=31536000/.test(r.headers['cache-control'] || ''), `long max-age: ${r.headers['cache-control']}`);
	assert(!/no-store/.test(r.headers['cache-control']), 'no no-store on an asset');
	assert(r.body.length > 100, 'stylesheet body');
	const nm = await request(main.port, 'GET', '/static/lien.css', { headers: { 'If-None-Match': etag } });
	status(nm, 304, 'If-None-Match');
	eq(nm.body, '', '304 body');
	eq(nm.headers.etag, etag, '304 ETag');
	status(await request(main.port, 'GET', '/static/lien.css', { headers: { 'If-None-Match': '"0000000000000000"' } }), 200, 'another ETag');
	status(await request(main.port, 'GET', '/static/lien.js'), 200, 'script asset');
	for (const p of ['/static/nexiste.css', '/static/../t.db', '/static/..%2f..%2fMakefile', '/static/%2e%2e/t.key', '/static/'])
		status(await request(main.port, 'GET', p), 404, p);
});

function frenchErrorPage(r, code, title, what) {
	status(r, code, what);
	assert(/^text\/html; charset=utf-8$/i.test(r.headers['content-type'] || ''), `${what}: HTML, got ${r.headers['content-type']}`);
	has(r.body, '<html lang="fr">', `${what}: French page`);
	has(r.body, `<h1>${title}</h1>`, `${what}: heading`);
	has(r.body, `Code d'erreur : ${code}.`, `${what}: code shown`);
	securityHeaders(r, what);
}

test('error pages: 404, 405, 403 in French with the right status', async () => {
	frenchErrorPage(await request(main.port, 'GET', '/nexiste-pas'), 404, 'Page introuvable', 'GET /nexiste-pas');
	frenchErrorPage(await request(main.port, 'GET', '/utilisateurs/abc/desactiver'), 404, 'Page introuvable', 'non-numeric id');
	frenchErrorPage(await request(main.port, 'GET', '/utilisateurs/0/desactiver'), 404, 'Page introuvable', 'id 0');
	const p405 = await request(main.port, 'POST', '/sante', { headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': 3 }, body: 'a=b' });
	frenchErrorPage(p405, 405, 'Méthode non autorisée', 'POST /sante');
	assert(p405.headers.allow, 'Allow header on 405');
	frenchErrorPage(await request(main.port, 'DELETE', '/'), 405, 'Méthode non autorisée', 'DELETE /');
	frenchErrorPage(await request(main.port, 'PUT', '/connexion', { headers: { 'Content-Length': 0 } }), 405, 'Méthode non autorisée', 'PUT /connexion');
	frenchErrorPage(await request(main.port, 'GET', '/utilisateurs/1/desactiver'), 405, 'Méthode non autorisée', 'GET on a POST-only route');
	frenchErrorPage(await request(main.port, 'POST', '/connexion', { headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': 0 }, body: '' }), 403, 'Accès refusé', 'POST /connexion without token');
});

test('error pages: 413 for a body over --max-body (Content-Length and chunked)', async () => {
	/* The server answers as soon as it knows the body is too large and then
	 * closes: read over a raw socket, as a client still sending would. */
	const big = 'identifiant=' + 'a'.repeat(4096);
	const head = 'POST /connexion HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n';
	const r = await raw(small.port, head + `Content-Length: ${big.length}\r\n\r\n` + big, { wait: 1500 });
	eq(r.status, 413, 'POST 4 KB with --max-body 2048');
	has(r.text, Buffer.from('Envoi trop volumineux').toString('latin1'), 'French 413 page');
	const chunk = big.length.toString(16);
	const chunked = await raw(small.port, head + 'Transfer-Encoding: chunked\r\n\r\n' + `${chunk}\r\n${big}\r\n0\r\n\r\n`, { wait: 1500 });
	eq(chunked.status, 413, 'chunked POST 4 KB with --max-body 2048');
	/* Under the limit the same server answers normally. */
	const okBody = 'identifiant=x&mot_de_passe=y';
	status(await request(small.port, 'POST', '/connexion', { headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': okBody.length }, body: okBody }), 403, 'small POST (no token)');
	const huger = await raw(main.port, 'POST /connexion HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 99999999999999999999999\r\nConnection: close\r\n\r\nabc', { wait: 1500 });
	assert(huger.status === 0 || (huger.status >= 400 && huger.status < 500), `a Content-Length over 64 bits: got ${huger.status}`);
});

test('error pages: 413 is answered from the Content-Length, without waiting for the body', async () => {
	/* A client announcing 100 GB (or 5 KB to a 2 KB server) is told at once;
	 * it should not have to send it all before hearing "too large". */
	const t0 = Date.now();
	const huge = await raw(main.port, 'POST /connexion HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\nabc', { wait: 1500 });
	eq(huge.status, 413, `a Content-Length of 100 GB, 3 bytes sent, answer within ${Date.now() - t0} ms`);
	const part = await raw(small.port, 'POST /connexion HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n' + 'a'.repeat(100), { wait: 1500 });
	eq(part.status, 413, 'a Content-Length of 5000 with --max-body 2048, 100 bytes sent');
});

test('error pages: an early 413 reaches a client still sending its body (lingering close), 20 times in a row', async () => {
	/* Answered from the Content-Length while the client still writes 1 MB:
	 * closed at once, the socket would be reset with the body unread, and
	 * the client would often lose the page (about one time in three). */
	const body = 'identifiant=' + 'n'.repeat(1 << 20);
	for (const close of ['Connection: close\r\n', '']) {
		let got = 0;
		const seen = [];
		for (let i = 0; i < 10; i++) {
			const r = await raw(main.port, `POST /connexion HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
				`Content-Length: ${body.length}\r\n${close}\r\n${body}`, { wait: 3000 });
			if (r.status === 413 && r.text.includes(Buffer.from('Envoi trop volumineux').toString('latin1')))
				got++;
			else
				seen.push(r.status || r.error);
		}
		eq(got, 10, `French 413 pages received out of 10, ${close ? 'Connection: close' : 'keep-alive'} (others: ${seen.join(', ')})`);
	}
});

test('error pages: 400 for bad percent-encoding, invalid UTF-8, control characters, NUL', async () => {
	const c = new Client(main);
	await c.get('/connexion');
	const pre = c.jar.get('lien_pre');
	const bodies = {
		'bad percent-encoding': `csrf=${pre}&identifiant=%zz&mot_de_passe=x`,
		'truncated percent-encoding': `csrf=${pre}&identifiant=abc%2`,
		'invalid UTF-8': `csrf=${pre}&identifiant=%C3%28&mot_de_passe=x`,
		'overlong UTF-8': `csrf=${pre}&identifiant=%C0%AF&mot_de_passe=x`,
		'UTF-16 surrogate': `csrf=${pre}&identifiant=%ED%A0%80&mot_de_passe=x`,
		'control character': `csrf=${pre}&identifiant=a%01b&mot_de_passe=x`,
		'escape character': `csrf=${pre}&identifiant=%1B%5B31m&mot_de_passe=x`,
		'DEL': `csrf=${pre}&identifiant=a%7Fb&mot_de_passe=x`,
		'C1 control': `csrf=${pre}&identifiant=a%C2%85b&mot_de_passe=x`,
		'NUL byte in a value': `csrf=${pre}&identifiant=acc.a%00admin&mot_de_passe=x`,
		'NUL byte in a name': `csrf=${pre}&ident%00ifiant=x`,
		'raw invalid byte': Buffer.concat([Buffer.from(`csrf=${pre}&identifiant=`), Buffer.from([0xff, 0xfe]), Buffer.from('&mot_de_passe=x')]),
	};
	for (const [what, body] of Object.entries(bodies)) {
		const r = await c.req('POST', '/connexion', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
		frenchErrorPage(r, 400, 'Demande incorrecte', what);
	}
	frenchErrorPage(await request(main.port, 'GET', '/connexion?suite=%zz'), 400, 'Demande incorrecte', 'bad query string');
	frenchErrorPage(await request(main.port, 'GET', '/connexion?suite=%00'), 400, 'Demande incorrecte', 'NUL in the query string');
	/* A well-formed accented value is fine. */
	const ok = await c.post('/connexion', { csrf: pre, identifiant: 'élodie', mot_de_passe: 'x' });
	status(ok, 401, 'accented login');
	resetThrottle();
});

/* ---- hostile input ----------------------------------------------------- */

test('raw socket: malformed request lines get a 4xx or a plain close, never a crash', async () => {
	const cases = [
		'GARBAGE\r\n\r\n',
		'GET\r\n\r\n',
		'GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n',
		'GET / FTP/1.0\r\nHost: x\r\n\r\n',
		'\r\n\r\n\r\n',
		'GET / HTTP/1.1\r\nno colon here\r\n\r\n',
		'POST /connexion HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
		'POST /connexion HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
		'POST /connexion HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n',
		Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x0d, 0x0a, 0x0d, 0x0a]),  /* TLS hello */
		Buffer.concat([Buffer.from('GET /'), crypto.randomBytes(200), Buffer.from(' HTTP/1.1\r\n\r\n')]),
		'GET /' + 'a'.repeat(40000) + ' HTTP/1.1\r\nHost: x\r\n\r\n',
	];
	for (const d of cases) {
		const r = await raw(main.port, d, { wait: 1500 });
		const what = JSON.stringify(String(d).slice(0, 40));
		assert(r.status === 0 || (r.status >= 400 && r.status < 500) || r.status === 505,
		       `${what}: expected a 4xx or a close, got ${r.status} ${short(r.text, 80)}`);
		assert(!main.crashed(), `${what}: server exited`);
	}
	status(await request(main.port, 'GET', '/sante'), 200, 'health after malformed requests');
});

test('raw socket: headers over 32 KB → 4xx', async () => {
	const big = 'GET /connexion HTTP/1.1\r\nHost: x\r\n' + 'X-Filler: ' + 'b'.repeat(40 * 1024) + '\r\n\r\n';
	const r = await raw(main.port, big);
	assert(r.status >= 400 && r.status < 500, `one 40 KB header: got ${r.status} ${short(r.text, 80)}`);
	let many = 'GET /connexion HTTP/1.1\r\nHost: x\r\n';
	for (let i = 0; i < 2000; i++)
		many += `X-H${i}: ${'c'.repeat(20)}\r\n`;
	const r2 = await raw(main.port, many + '\r\n');
	assert(r2.status >= 400 && r2.status < 500, `2000 headers: got ${r2.status} ${short(r2.text, 80)}`);
	const cookie = await raw(main.port, `GET / HTTP/1.1\r\nHost: x\r\nCookie: lien_session=${'d'.repeat(40000)}\r\n\r\n`);
	assert(cookie.status >= 400 && cookie.status < 500, `40 KB cookie: got ${cookie.status}`);
	status(await request(main.port, 'GET', '/sante'), 200, 'health afterwards');
});

test('forged and truncated cookies: treated as not logged in, no crash', async () => {
	resetThrottle();
	const real = new Client(main);
	await loginOk(real, 'acc.a');
	const tok = real.session;
	const forged = [
		'lien_session=garbage',
		`lien_session=${tok.slice(0, 42)}`,
		`lien_session=${tok}x`,
		`lien_session=${tok.slice(1)}A`,
		`lien_session=${'A'.repeat(43)}`,
		`lien_session=${'%'.repeat(43)}`,
		`lien_session=${"'OR'1'='1".padEnd(43, '-')}`,
		'lien_session=',
		'lien_session',
		'=;;;=;',
		'lien_session=a; lien_session=b; lien_session=c',
		`${'x'.repeat(200)}=${'y'.repeat(3000)}`,
		Array.from({ length: 300 }, (_, i) => `c${i}=${i}`).join('; '),
	];
	for (const cookie of forged) {
		const r = await request(main.port, 'GET', '/', { headers: { Cookie: cookie } });
		/* More pairs than the parser keeps (256) may be refused outright. */
		if (!(r.status === 400 && cookie.startsWith('c0=')))
			redirect(r, '/connexion?suite=/', `Cookie: ${short(cookie, 50)}`);
		const p = await request(main.port, 'POST', '/compte/mot-de-passe', { headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': 6 }, body: 'csrf=x' });
		assert(p.status === 401 || p.status === 400, `POST with Cookie: ${short(cookie, 50)} → ${p.status}`);
	}
	/* Bytes no browser sends, over a raw socket. */
	for (const bytes of [[0x01, 0x02], [0xff, 0xfe, 0x80], [0x7f]]) {
		const head = Buffer.concat([Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: lien_session='), Buffer.from(bytes), Buffer.from(tok.slice(3) + '\r\n\r\n')]);
		const r = await raw(main.port, head);
		assert(r.status === 303 || (r.status >= 400 && r.status < 500), `cookie with bytes ${bytes}: got ${r.status}`);
	}
	/* A valid token among junk still works; junk in other cookies is ignored. */
	status(await request(main.port, 'GET', '/', { headers: { Cookie: `autre=a"b; lien_session=${tok}; x=` } }), 200, 'valid token among other cookies');
	status(await real.get('/'), 200, 'the real session survives');
});

test('HTML and SQL metacharacters in form fields are shown escaped and treated as data', async () => {
	resetThrottle();
	const c = new Client(main);
	const xss = `"><script>alert(1)</script>`;
	const r = await login(c, xss, WRONG_PW);
	status(r, 401, 'login with HTML');
	has(r.body, 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"', 'login typed back, escaped');
	hasNot(r.body, '<script>alert(1)', 'raw script');
	for (const inj of [`' OR '1'='1`, `acc.a'--`, `acc.a' OR 1=1; --`, `"; DROP TABLE users; --`]) {
		const s = await login(new Client(main), inj, `' OR '1'='1`);
		status(s, 401, `login ${inj}`);
		eq(loginErrorOf(s.body), 'Identifiant ou mot de passe incorrect.', `message for ${inj}`);
	}
	eq(sql(DB, "SELECT count(*) FROM users WHERE login = 'acc.a'"), '1', 'users table intact');
	/* Metacharacters in the return path are escaped in the hidden field. */
	const p = await request(main.port, 'GET', '/connexion?suite=' + encodeURIComponent('/"><script>alert(2)</script>'));
	status(p, 200, 'login page with a hostile suite');
	hasNot(p.body, '<script>alert(2)', 'raw script from the query');
	resetThrottle();
});

/* A path on this server, whatever a browser does with it: it starts with
 * one "/" not followed by another or by "\\", and holds no control
 * character or space (browsers drop tabs and newlines from URLs). */
function isLocal(loc) {
	return typeof loc === 'string' && /^\/(?![/\\])[^\x00-\x20\x7f]*$/.test(loc) && !/^[a-z][a-z0-9+.-]*:/i.test(loc);
}

test('open redirect: suite=//evil.example or https://evil.example → back to "/"', async () => {
	resetThrottle();
	for (const suite of ['//evil.example', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)', '/%2F/evil.example', ' //evil.example']) {
		const c = new Client(main);
		const page = await c.get('/connexion?suite=' + encodeURIComponent(suite));
		status(page, 200, `login page with suite=${suite}`);
		const hidden = hiddenFields(page.body, '/connexion').suite;
		assert(isLocal(hidden), `hidden suite for ${suite}: ${JSON.stringify(hidden)}`);
		const r = await c.post('/connexion', { ...hiddenFields(page.body, '/connexion'), identifiant: 'acc.a', mot_de_passe: PW });
		assert(r.status === 303 && isLocal(r.headers.location), `after login with suite=${suite}: ${r.status} ${JSON.stringify(r.headers.location)}`);
		/* A forged form field is no better than the query. */
		const d = new Client(main);
		const f = hiddenFields((await d.get('/connexion')).body, '/connexion');
		const r2 = await d.post('/connexion', { ...f, suite, identifiant: 'acc.a', mot_de_passe: PW });
		const loc = r2.headers.location || '';
		assert(r2.status === 303 && isLocal(loc), `forged suite=${suite} → ${r2.status} ${JSON.stringify(loc)}`);
	}
	const c = new Client(main);
	const f = hiddenFields((await c.get('/connexion?suite=%2Fcompte')).body, '/connexion');
	eq(f.suite, '/compte', 'a local return path is kept');
	redirect(await c.post('/connexion', { ...f, identifiant: 'acc.a', mot_de_passe: PW }), '/compte', 'local return path');
});

test('open redirect: control characters in suite (tab, as "/\\t/evil.example") are refused', async () => {
	resetThrottle();
	/* Browsers drop tabs and newlines from URLs: "/\t/evil.example" is "//evil.example". */
	for (const suite of ['/\t/evil.example', '/\t\t/evil.example', '/\t\\evil.example', '\t//evil.example']) {
		const c = new Client(main);
		const page = await c.get('/connexion?suite=' + encodeURIComponent(suite));
		const f = hiddenFields(page.body, '/connexion');
		const r = await c.post('/connexion', { ...f, suite, identifiant: 'acc.a', mot_de_passe: PW });
		assert(r.status === 303 && isLocal(r.headers.location), `after login with suite=${JSON.stringify(suite)}: ${r.status} Location ${JSON.stringify(r.headers.location)}`);
		assert(isLocal(f.suite), `hidden suite for ${JSON.stringify(suite)}: ${JSON.stringify(f.suite)}`);
	}
});

/* ---- slow clients and limits -------------------------------------- */

test('slow clients: ten connections trickling headers one byte a second do not stop other requests', async () => {
	const head = 'GET /sante HTTP/1.1\r\nHost: 127.0.0.1\r\n';
	const socks = [];
	for (let i = 0; i < 10; i++) {
		const s = net.connect(main.port, '127.0.0.1');
		s.on('error', () => {});
		s.data = '';
		s.on('data', (d) => { s.data += d.toString('latin1'); });
		socks.push(s);
	}
	const start = Date.now();
	let sent = 0, worst = 0, served = 0;
	while (Date.now() - start < 3000) {
		for (const s of socks)
			s.write(head[sent % head.length]);
		sent++;
		const t0 = Date.now();
		const [a, b] = await Promise.all([request(main.port, 'GET', '/sante'), request(main.port, 'GET', '/connexion')]);
		status(a, 200, 'health during the trickle');
		status(b, 200, 'login page during the trickle');
		served += 2;
		worst = Math.max(worst, Date.now() - t0);
		await sleep(Math.max(0, 1000 - (Date.now() - t0)));
	}
	assert(worst < 1000, `requests took up to ${worst} ms during the trickle`);
	assert(served >= 6, `only ${served} requests served in 3 s`);
	/* The slow requests are still served once complete. */
	for (const s of socks)
		s.write(head.slice(sent) + 'Connection: close\r\n\r\n');
	await sleep(500);
	const answered = socks.filter((s) => /^HTTP\/1\.1 200/.test(s.data)).length;
	socks.forEach((s) => s.destroy());
	eq(answered, 10, 'slow requests answered once complete');
});

test('limits: an idle connection is closed after --timeout', async () => {
	const t0 = Date.now();
	const r = await raw(limits.port, '', { wait: 6000 });
	const took = Date.now() - t0;
	assert(took < 5000, `idle connection still open after ${took} ms with --timeout 2`);
	eq(r.status, 0, 'no response to an idle connection');
});

test('limits: a client trickling its headers is cut off by the request timeout', async () => {
	/* One byte a second never lets the idle timeout fire; a request timeout
	 * must still bound the time a client may take to send its headers. */
	const s = net.connect(limits.port, '127.0.0.1');
	s.on('error', () => {});
	let closed = false;
	s.on('close', () => { closed = true; });
	const head = 'GET /sante HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'z'.repeat(100);
	const t0 = Date.now();
	for (let i = 0; !closed && Date.now() - t0 < 6500; i++) {
		s.write(head[i % head.length]);
		await sleep(1000);
	}
	s.destroy();
	assert(closed, `a client sending a byte a second was still connected after ${Date.now() - t0} ms with --timeout 2`);
});

test('limits: connections per address are capped (--max-per-ip 4)', async () => {
	/* Four connections held open; a connection closed just before by an
	 * earlier test may still count for a moment, so wait until all four hold. */
	let socks = [];
	for (let attempt = 0; attempt < 10; attempt++) {
		socks = [];
		for (let i = 0; i < 4; i++) {
			const s = net.connect(limits.port, '127.0.0.1');
			s.on('error', () => {});
			s.on('close', () => { s.gone = true; });
			await new Promise((r) => s.on('connect', r));
			s.write('GET /sante HTTP/1.1\r\n');
			socks.push(s);
		}
		await sleep(200);
		if (socks.every((s) => !s.gone))
			break;
		socks.forEach((s) => s.destroy());
		await sleep(200);
	}
	assert(socks.every((s) => !s.gone), 'four connections from one address are allowed');
	const fifth = await raw(limits.port, 'GET /sante HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { wait: 1000 });
	const held = socks.every((s) => !s.gone);
	socks.forEach((s) => s.destroy());
	assert(held, 'the four held connections stayed open');
	assert(fifth.status !== 200, 'a fifth connection from the same address is served');
	let after;
	for (let i = 0; i < 20; i++) {
		await sleep(100);
		after = await raw(limits.port, 'GET /sante HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { wait: 1000 });
		if (after.status === 200)
			break;
	}
	eq(after.status, 200, 'served again once the connections are closed');
});

test('the server still answers /sante after all the bad input', async () => {
	for (const s of [main, small, limits, thr]) {
		const r = await request(s.port, 'GET', '/sante');
		status(r, 200, `${s.name} /sante`);
	}
});

/* ---- the person's file and the journal (tests/http/persons.js) ---- */

require('./persons')({
	test, assert, eq, has, hasNot, status, redirect, fail, textOf, short, run, lien, lienOk, sql,
	request, raw, Client, Server, csrfOf, hiddenFields, login, loginOk, enrolTotp, loginTotp, logout,
	resetThrottle, unescapeHtml, sleep, PW, ROOT, BIN, DB, dir, ids, STRUCT_A, STRUCT_B,
	get main() { return main; },
});

/* ---- import from a spreadsheet (tests/http/import.js) ------------- */

require('./import')({
	test, assert, eq, has, hasNot, status, redirect, fail, textOf, short, run, lien, lienOk, sql,
	request, raw, Client, Server, csrfOf, hiddenFields, login, loginOk, enrolTotp, loginTotp, logout,
	resetThrottle, unescapeHtml, sleep, PW, ROOT, BIN, DB, dir, ids, STRUCT_A, STRUCT_B,
	get main() { return main; },
	get small() { return small; },
});

/* ---- documents attached to a file (tests/http/documents.js) ------- */

require('./documents')({
	test, assert, eq, has, hasNot, status, redirect, fail, textOf, short, run, lien, lienOk, sql,
	request, raw, Client, Server, csrfOf, hiddenFields, login, loginOk, enrolTotp, loginTotp, logout,
	resetThrottle, unescapeHtml, sleep, PW, ROOT, BIN, DB, dir, ids, STRUCT_A, STRUCT_B,
	get main() { return main; },
});

/* ---- the digital diagnostic (tests/http/diagnostic.js) ------------- */

require('./diagnostic')({
	test, assert, eq, has, hasNot, status, redirect, fail, textOf, short, run, lien, lienOk, sql,
	request, raw, Client, Server, csrfOf, hiddenFields, login, loginOk, enrolTotp, loginTotp, logout,
	resetThrottle, unescapeHtml, sleep, PW, ROOT, BIN, DB, dir, ids, STRUCT_A, STRUCT_B,
	get main() { return main; },
});

/* ---- démarches, mandates, aid (tests/http/procedures.js) ---------- */

require('./procedures')({
	test, assert, eq, has, hasNot, status, redirect, fail, textOf, short, run, lien, lienOk, sql,
	request, raw, Client, Server, csrfOf, hiddenFields, login, loginOk, enrolTotp, loginTotp, logout,
	resetThrottle, unescapeHtml, sleep, PW, ROOT, BIN, DB, dir, ids, STRUCT_A, STRUCT_B,
	get main() { return main; },
});

/* ---- reports, baromètre, funders' export (tests/http/reports.js) -- */

require('./reports')({
	test, assert, eq, has, hasNot, status, redirect, fail, textOf, short, run, lien, lienOk, sql,
	request, raw, Client, Server, csrfOf, hiddenFields, login, loginOk, enrolTotp, loginTotp, logout,
	resetThrottle, unescapeHtml, sleep, PW, ROOT, BIN, DB, dir, ids, STRUCT_A, STRUCT_B,
	get main() { return main; },
});

/* ---- the anonymous questionnaire (tests/http/survey.js) ---------- */

require('./survey')({
	test, assert, eq, has, hasNot, status, redirect, fail, textOf, short, run, lien, lienOk, sql,
	request, raw, Client, Server, csrfOf, hiddenFields, login, loginOk, enrolTotp, loginTotp, logout,
	resetThrottle, unescapeHtml, sleep, PW, ROOT, BIN, DB, dir, ids, STRUCT_A, STRUCT_B,
	get main() { return main; },
});

/* ---- directory search and orientations (tests/http/directory.js) -- */

require('./directory')({
	test, assert, eq, has, hasNot, status, redirect, fail, textOf, short, run, lien, lienOk, sql,
	request, raw, Client, Server, csrfOf, hiddenFields, login, loginOk, enrolTotp, loginTotp, logout,
	resetThrottle, unescapeHtml, sleep, PW, ROOT, BIN, DB, dir, ids, STRUCT_A, STRUCT_B,
	get main() { return main; },
});

/* ---- audit chain (last: it reads the whole run's log) ------------- */

function auditCopy(name) {
	const copy = path.join(dir, name);
	sql(DB, `VACUUM INTO '${copy}'`);
	return copy;
}

/* Copies are verified with the key file of the database they come from:
 * the chain is keyed (HMAC) with it. */
function keyOf(db) {
	return db.replace(/\.db$/, '.key');
}

function verify(db, keyFile = keyOf(db === TDB ? TDB : DB)) {
	return lien('audit', 'verify', '--db', db, '--key', keyFile);
}

test('audit chain: lien audit verify accepts the log of the whole run', async () => {
	const r = verify(DB);
	eq(r.code, 0, `lien audit verify exit code (${r.stderr.trim()})`);
	const n = Number(sql(DB, 'SELECT count(*) FROM audit_log'));
	has(r.stdout, `${n} entrées vérifiées`, 'row count in the message');
	assert(n > 50, `the run left ${n} audit rows`);
	for (const a of ['login.ok', 'login.failed', 'login.password_ok', 'login.totp_ok', 'login.recovery_code', 'totp.enabled', 'user.add', 'user.disable', 'logout'])
		assert(sql(DB, `SELECT count(*) FROM audit_log WHERE action = '${a}'`) !== '0', `audit rows for ${a}`);
	const t = verify(TDB);
	eq(t.code, 0, `throttle database verify (${t.stderr.trim()})`);
	for (const a of ['login.throttled', 'login.locked'])
		assert(sql(TDB, `SELECT count(*) FROM audit_log WHERE action = '${a}'`) !== '0', `audit rows for ${a}`);
});

test('audit chain: a changed row is detected', async () => {
	const copy = auditCopy('tamper-update.db');
	sql(copy, "UPDATE audit_log SET detail = 'x' WHERE id = 3");
	const r = verify(copy);
	assert(r.code !== 0, 'verify exits non-zero after an UPDATE');
	has(r.stderr, 'altéré', 'message');
	has(r.stderr, 'ligne 3', 'the row is named');
	const copy2 = auditCopy('tamper-ip.db');
	sql(copy2, "UPDATE audit_log SET ip = '10.0.0.1' WHERE id = (SELECT max(id) FROM audit_log)");
	assert(verify(copy2).code !== 0, 'verify exits non-zero after changing the last row');
});

test('audit chain: a deleted row is detected', async () => {
	const copy = auditCopy('tamper-delete.db');
	sql(copy, 'DELETE FROM audit_log WHERE id = 5');
	const r = verify(copy);
	assert(r.code !== 0, 'verify exits non-zero after a DELETE');
	has(r.stderr, 'ligne 5', 'the missing row is named');
	const first = auditCopy('tamper-first.db');
	sql(first, 'DELETE FROM audit_log WHERE id = 1');
	assert(verify(first).code !== 0, 'verify exits non-zero after deleting the first row');
});

test('audit chain: deleting the most recent rows is detected', async () => {
	const copy = auditCopy('tamper-tail.db');
	sql(copy, 'DELETE FROM audit_log WHERE id > (SELECT max(id) - 3 FROM audit_log)');
	const r = verify(copy);
	assert(r.code !== 0, `verify exits 0 after the last 3 rows were deleted: ${r.stdout.trim()}`);
});

/* The chain as audit.c computes it: HMAC-SHA-256 keyed with the key file.
 * Someone with sqlite3 but without the key can only try plain SHA-256. */
function rowText(r) {
	const fields = [r.action, r.object_type, r.ip, r.detail, r.prev_hash].map((f) => f ?? '');
	let s = `row|${r.id}|${r.at}|${r.user_id ?? 0}|${r.structure_id ?? 0}|${r.object_id ?? 0}|`;
	for (const f of fields)
		s += `${Buffer.byteLength(f)}:${f}`;
	return s;
}
const rowHashWithKey = (r, key) => crypto.createHmac('sha256', key).update(rowText(r), 'utf8').digest('hex');
const rowHashWithoutKey = (r) => crypto.createHash('sha256').update(rowText(r), 'utf8').digest('hex');

test('audit chain: a row changed and the chain recomputed without the key is detected', async () => {
	const copy = auditCopy('tamper-rechain.db');
	const rows = JSON.parse(run('sqlite3', ['-json', copy, 'SELECT * FROM audit_log ORDER BY id']).stdout);
	assert(rows.length > 10, 'rows to rewrite');
	const key = Buffer.from(fs.readFileSync(keyOf(DB), 'utf8').trim(), 'hex');
	eq(rowHashWithKey(rows[0], key), rows[0].hash, 'the test\'s model of the keyed row hash');
	assert(rowHashWithoutKey(rows[0]) !== rows[0].hash, 'plain SHA-256 must not reproduce the chain');
	rows[2].detail = 'réécrit';
	let prev = 'lien-audit-genesis';
	const stmts = ['BEGIN;'];
	for (const r of rows) {
		r.prev_hash = prev;
		r.hash = rowHashWithoutKey(r);
		prev = r.hash;
		stmts.push(`UPDATE audit_log SET detail = ${r.detail === null ? 'NULL' : `'${String(r.detail).replace(/'/g, "''")}'`}, prev_hash = '${r.prev_hash}', hash = '${r.hash}' WHERE id = ${r.id};`);
	}
	stmts.push(`UPDATE audit_head SET last_hash = '${prev}';`);
	stmts.push('COMMIT;');
	fs.writeFileSync(path.join(dir, 'rechain.sql'), stmts.join('\n'));
	const rr = run('sqlite3', [copy, `.read ${path.join(dir, 'rechain.sql')}`]);
	eq(rr.code, 0, `rewrite: ${rr.stderr}`);
	const r = verify(copy);
	assert(r.code !== 0, `verify exits 0 after a row was changed and the chain recomputed: ${r.stdout.trim()}`);
	has(r.stderr, 'ligne 1', 'the first rewritten row is named');
});

test('audit chain: another key file can neither verify nor forge the chain', async () => {
	const other = path.join(dir, 'other.db');
	lienOk('init', '--db', other);
	const r = verify(DB, keyOf(other));
	assert(r.code !== 0, 'verify with a foreign key must fail');
});

/* ================================================================== */

async function main_() {
	let passed = 0, failed = 0;
	const report = (ok, name, why) => {
		if (ok) {
			passed++;
			console.log(`ok   http: ${name}`);
		} else {
			failed++;
			console.log(`FAIL http: ${name} — ${why}`);
		}
	};
	try {
		await setup();
		report(true, 'setup: database, structures, accounts, four servers');
	} catch (e) {
		report(false, 'setup: database, structures, accounts, four servers', e.message);
		for (const s of servers)
			await s.stop();
		console.log(`${passed} passed, ${failed + tests.length} failed`);
		process.exit(1);
	}
	for (const t of tests) {
		let why = null;
		try {
			let timer;
			await Promise.race([
				t.fn(),
				new Promise((_, rej) => { timer = setTimeout(() => rej(new Error('timed out after 30 s')), 30000); }),
			]).finally(() => clearTimeout(timer));
		} catch (e) {
			why = e instanceof AssertionError ? e.message : (e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : String(e));
		}
		const dead = servers.filter((s) => s.crashed());
		if (dead.length && !why)
			why = 'server exited';
		if (dead.length)
			why += ' — SERVER EXITED: ' + dead.map((s) => `${s.name} (code ${s.exited.code}, signal ${s.exited.signal})`).join(', ');
		report(!why, t.name, why);
		for (const s of dead) {
			console.log(`---- stderr of server "${s.name}" ----\n${s.stderr}\n---- end ----`);
			s.stopping = true;   /* reported once */
			failed++;
			console.log(`FAIL http: server "${s.name}" crashed during "${t.name}"`);
		}
	}
	/* A clean stop: exit 0 and no sanitizer report. */
	for (const s of servers) {
		if (s.exited)
			continue;
		const st = await s.stop();
		const report_ = /ERROR: (Address|Leak|Thread)Sanitizer|runtime error:|SUMMARY: /.test(s.stderr);
		const ok = st.code === 0 && !report_;
		report(ok, `server "${s.name}" stops cleanly on SIGTERM`,
		       `exit code ${st.code}, signal ${st.signal}${report_ ? '; sanitizer report:\n' + s.stderr : ''}`);
	}
	if (failed === 0)
		fs.rmSync(dir, { recursive: true, force: true });
	else
		console.log(`(files kept in ${dir})`);
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

process.on('unhandledRejection', (e) => {
	console.log(`FAIL http: unhandled rejection — ${e && e.stack ? e.stack : e}`);
});

main_();
