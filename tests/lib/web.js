'use strict';
/*
 * What the Node suites that drive Lien like a browser share (reminders,
 * pg): assertions with French messages, a cookie-keeping client, the page
 * helpers (CSRF token, hidden fields, text of a page). Node built-ins only.
 */
const cp = require('node:child_process');
const http = require('node:http');

class AssertionError extends Error {}
function fail(msg) {
	throw new AssertionError(msg);
}
function assert(cond, msg) {
	if (!cond)
		fail(msg);
}
function short(s, n = 200) {
	s = String(s);
	return s.length > n ? s.slice(0, n) + '…' : s;
}
function eq(got, want, what) {
	if (got !== want)
		fail(`${what}: attendu ${JSON.stringify(want)}, obtenu ${JSON.stringify(got)}`);
}
function has(hay, needle, what) {
	if (!String(hay).includes(needle))
		fail(`${what}: ${JSON.stringify(needle)} absent de ${JSON.stringify(short(hay, 300))}`);
}
function hasNot(hay, needle, what) {
	if (String(hay).includes(needle))
		fail(`${what}: ${JSON.stringify(needle)} ne doit pas apparaître`);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function unescapeHtml(s) {
	return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
		.replace(/&#39;/g, '\'').replace(/&#x27;/g, '\'').replace(/&amp;/g, '&');
}
/* The visible text of a page's <main>, for short failure messages. */
function textOf(html) {
	const main = /<main[^>]*>([\s\S]*?)<\/main>/.exec(html);
	return unescapeHtml((main ? main[1] : html).replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}

function request(port, method, urlPath, { headers = {}, body, timeout = 20000 } = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent: false }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const buf = Buffer.concat(chunks);
				resolve({ status: res.statusCode, headers: res.headers, buf, body: buf.toString('utf8') });
			});
			res.on('error', reject);
		});
		req.setTimeout(timeout, () => req.destroy(new Error(`${method} ${urlPath} : pas de réponse en ${timeout / 1000} s`)));
		req.on('error', reject);
		if (body !== undefined)
			req.write(body);
		req.end();
	});
}

/* Fields in order; an array value gives the field several times. */
function encodeForm(fields) {
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries(fields))
		for (const x of Array.isArray(v) ? v : [v])
			if (x !== undefined && x !== null)
				p.append(k, String(x));
	return p.toString();
}

/* A browser: one cookie jar. It talks to server.port (read at each request:
 * a restarted server may listen elsewhere), or to opts.port — the same
 * session on several servers. res.flash is the page's one-time message. */
class Client {
	constructor(server = null, jar = new Map()) {
		this.server = server;
		this.jar = jar;
	}

	async req(method, urlPath, { headers = {}, body, timeout, port } = {}) {
		const h = { ...headers };
		if (this.jar.size)
			h.Cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
		if (body !== undefined)
			h['Content-Length'] = Buffer.byteLength(body);
		const res = await request(port || this.server.port, method, urlPath, { headers: h, body, timeout });
		res.flash = null;
		for (const sc of res.headers['set-cookie'] || []) {
			const [pair, ...attrs] = sc.split(';').map((s) => s.trim());
			const i = pair.indexOf('=');
			const name = pair.slice(0, i), value = pair.slice(i + 1);
			if (name === 'lien_flash' && value)
				res.flash = decodeURIComponent(value);
			if (attrs.some((a) => /^max-age=0$/i.test(a)) || value === '')
				this.jar.delete(name);
			else
				this.jar.set(name, value);
		}
		return res;
	}

	get(urlPath, opts) {
		return this.req('GET', urlPath, opts);
	}

	post(urlPath, fields, opts = {}) {
		return this.req('POST', urlPath, {
			...opts,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: encodeForm({ csrf: this.csrf, ...fields }),
		});
	}
}

function csrfOf(html) {
	const m = /name="csrf" value="([^"]*)"/.exec(html);
	if (!m)
		fail(`pas de champ csrf : ${short(textOf(html))}`);
	return unescapeHtml(m[1]);
}

function hiddenFields(html, action) {
	const at = html.indexOf(`action="${action}"`);
	assert(at >= 0, `pas de formulaire vers ${action}`);
	const form = html.slice(at, html.indexOf('</form>', at));
	const out = {};
	for (const m of form.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
		out[unescapeHtml(m[1])] = unescapeHtml(m[2]);
	return out;
}

function status(res, want, what) {
	if (res.status !== want)
		fail(`${what} : HTTP ${want} attendu, ${res.status} obtenu` +
			(res.headers.location ? ` (vers ${res.headers.location})` : '') +
			(res.body ? ` — ${short(textOf(res.body))}` : ''));
}

/* `lien serve` on a fixed loopback port (a restart listens there again).
 * args: the serve arguments but --listen. A server that stops without
 * being asked to leaves a line in crashes (runTests fails the test). */
class LienServer {
	constructor(name, bin, args, port, registry) {
		this.name = name;
		this.bin = bin;
		this.args = args;
		this.port = port;
		this.stderr = '';
		this.crashes = [];
		if (registry)
			registry.push(this);
	}

	start() {
		this.stopping = false;
		this.stderr = '';
		this.startedAt = Date.now();
		return new Promise((resolve, reject) => {
			const p = cp.spawn(this.bin, [...this.args, '--listen', `127.0.0.1:${this.port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
			this.proc = p;
			let out = '';
			const timer = setTimeout(() => reject(new Error(`${this.name} : pas démarré en 30 s ; ${this.stderr}`)), 30000);
			p.stdout.setEncoding('utf8').on('data', (d) => {
				out += d;
				if (/Lien écoute sur/.test(out)) {
					clearTimeout(timer);
					resolve(this);
				}
			});
			p.stderr.setEncoding('utf8').on('data', (d) => {
				if (this.stderr.length < 4 << 20)
					this.stderr += d;
			});
			p.exited = new Promise((r) => p.on('exit', (code, signal) => {
				clearTimeout(timer);
				if (!this.stopping) {
					this.crashes.push(`${this.name} s'est arrêté (code ${code}, signal ${signal}) : ${this.stderr.slice(-3000)}`);
					reject(new Error(this.crashes[this.crashes.length - 1]));
				}
				r({ code, signal });
			}));
		});
	}

	get pid() {
		return this.proc.pid;
	}

	alive() {
		return this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
	}

	uptime() {
		return (Date.now() - this.startedAt) / 1000;
	}

	async stop() {
		if (!this.alive())
			return;
		this.stopping = true;
		const t = setTimeout(() => this.proc.kill('SIGKILL'), 15000);
		this.proc.kill('SIGTERM');
		const { code, signal } = await this.proc.exited;
		clearTimeout(t);
		/* A sanitizer's report (leaks at exit) makes the exit code non-zero. */
		if (code !== 0)
			this.crashes.push(`${this.name} : arrêt avec le code ${code} (signal ${signal}) : ${this.stderr.slice(-3000)}`);
	}

	async kill() {
		this.stopping = true;
		this.proc.kill('SIGKILL');
		await this.proc.exited;
	}
}

/* Runs the tests ({name, fn}) in order, each for at most 150 s (only: those
 * whose name contains it); a test during which a server crashed fails
 * (servers: objects with a crashes array). Prints "ok   SUITE: NAME (S s)"
 * or "FAIL SUITE: NAME — reason"; returns the counts. */
async function runTests(suite, tests, servers, only) {
	let passed = 0, failed = 0;
	for (const t of tests) {
		if (only && !t.name.includes(only))
			continue;
		let err = null;
		const started = Date.now();
		try {
			await Promise.race([t.fn(), sleep(150000).then(() => { throw new Error('plus de 150 s'); })]);
		} catch (e) {
			err = e;
		}
		const crashed = servers.flatMap((s) => s.crashes.splice(0));
		if (!err && crashed.length)
			err = new AssertionError(crashed.join('\n'));
		const secs = ((Date.now() - started) / 1000).toFixed(1);
		if (err) {
			failed++;
			console.log(`FAIL ${suite}: ${t.name} — ${err instanceof AssertionError ? err.message : err.stack}`);
		} else {
			passed++;
			console.log(`ok   ${suite}: ${t.name} (${secs} s)`);
		}
	}
	return { passed, failed };
}

module.exports = {
	AssertionError, fail, assert, eq, has, hasNot, short, sleep, unescapeHtml, textOf,
	request, encodeForm, Client, csrfOf, hiddenFields, status, runTests, LienServer,
};
