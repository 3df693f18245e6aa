'use strict';
/*
 * A real Kannel on loopback for the gateway tests (Debian packages kannel
 * and kannel-extras, installed by make deps): bearerbox with a fake SMSC,
 * smsbox with a sendsms user, and on the SMSC's side Kannel's own test
 * program fakesmsc, which stands for the operator: it prints every message
 * it is handed, and the fake SMSC answers each with delivery reports
 * (types 8, accepted by the SMSC, and 1, delivered), which smsbox passes
 * on to the message's dlr-url.
 *
 *   const k = await kannel.start();
 *   k.sendsmsUrl, k.user, k.password   what Lien's --sms-* options take
 *   k.received()                       [{from, to, text, coding, parts}], in order
 *   await k.stop()
 *
 * Options of start(): ports (k.ports of a stopped instance, to start it
 * again at the same addresses), httpRetry and httpQueueDelay (smsbox's
 * http-request-retry and http-queue-delay: a delivery report whose dlr-url
 * call failed, the receiver being down, is tried again that many times,
 * that many seconds apart; by default Kannel never retries).
 *
 * Everything lives in a temporary directory (configuration, logs, the
 * output of fakesmsc); every port is a free loopback port.
 */
const cp = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const BEARERBOX = '/usr/sbin/bearerbox';
const SMSBOX = '/usr/sbin/smsbox';
const FAKESMSC = '/usr/lib/kannel/test/fakesmsc';

/* Why Kannel cannot run here, or null. */
function missing() {
	for (const f of [BEARERBOX, SMSBOX, FAKESMSC])
		if (!fs.existsSync(f))
			return `${f} absent (paquets Debian kannel et kannel-extras : make deps)`;
	return null;
}

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function get(url) {
	return new Promise((resolve) => {
		require('node:http').get(url, { agent: false }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d) => { body += d; });
			res.on('end', () => resolve({ status: res.statusCode, body }));
		}).on('error', () => resolve(null));
	});
}

function config(dir, p, user, password, retry) {
	const log = (name) => JSON.stringify(path.join(dir, name));
	return `group = core
admin-port = ${p.admin}
admin-interface = 127.0.0.1
admin-password = ${p.adminPassword}
admin-allow-ip = 127.0.0.1
smsbox-port = ${p.box}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-file = ${log('bearerbox.log')}
log-level = 0
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = ${p.smsc}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${p.box}
sendsms-port = ${p.sendsms}
sendsms-interface = 127.0.0.1
log-file = ${log('smsbox.log')}
log-level = 0
${retry.httpRetry ? `http-request-retry = ${retry.httpRetry}\nhttp-queue-delay = ${retry.httpQueueDelay || 1}\n` : ''}
group = sendsms-user
username = ${user}
password = ${password}
max-messages = 10
concatenation = true
`;
}

/* fakesmsc writes one log line per message it gets:
 *   ... Got message 3: <FROM TO text TEXT>            (GSM 7-bit, as UTF-8)
 *   ... Got message 4: <FROM TO ucs-2 URLENCODED>     (UTF-16BE bytes)
 *   ... Got message 5: <FROM TO udh UDH data URLENCODED>  (a part of a long one)
 * TEXT may hold newlines, so entries run to the next log line's date. */
function parse(out) {
	const entries = [];
	const re = /Got message \d+: <([\s\S]*?)>(?=\r?\n\d{4}-\d\d-\d\d |\s*$)/g;
	let m;
	while ((m = re.exec(out))) {
		const e = /^(\S+) (\S+) (\S+) ([\s\S]*)$/.exec(m[1]);
		if (e)
			entries.push({ from: e[1], to: e[2], type: e[3], rest: e[4] });
	}
	const bytes = (s) => {
		/* Percent-escapes are bytes, not UTF-8 sequences to be joined. */
		const out = [];
		for (let i = 0; i < s.length; i++) {
			if (s[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
				out.push(parseInt(s.slice(i + 1, i + 3), 16));
				i += 2;
			} else if (s[i] === '+') {
				out.push(32);
			} else {
				out.push(...Buffer.from(s[i], 'utf8'));
			}
		}
		return Buffer.from(out);
	};
	const utf16be = (b) => {
		const le = Buffer.from(b);
		le.swap16();
		return le.toString('utf16le');
	};
	const messages = [];
	const pending = new Map(); /* concatenation reference → parts */
	for (const e of entries) {
		if (e.type === 'text') {
			messages.push({ from: e.from, to: e.to, text: e.rest, coding: 'gsm', parts: 1 });
		} else if (e.type === 'ucs-2' || e.type === 'ucs2') {
			messages.push({ from: e.from, to: e.to, text: utf16be(bytes(e.rest)), coding: 'ucs2', parts: 1 });
		} else if (e.type === 'udh') {
			const u = /^(\S+) (\S+) (\S*)$/.exec(e.rest);
			if (!u)
				continue;
			const udh = bytes(u[1]);
			/* 8-bit concatenation element: 00 03 ref total seq */
			if (udh.length < 6 || udh[1] !== 0x00)
				continue;
			const [ref, total, seq] = [udh[3], udh[4], udh[5]];
			const key = `${e.to}/${ref}`;
			if (!pending.has(key))
				pending.set(key, { from: e.from, to: e.to, total, coding: u[2], got: new Map(), at: messages.length });
			const p = pending.get(key);
			p.got.set(seq, bytes(u[3]));
			if (p.got.size === total) {
				const all = Buffer.concat([...Array(total).keys()].map((i) => p.got.get(i + 1) || Buffer.alloc(0)));
				const ucs2 = p.coding === 'ucs-2' || p.coding === 'ucs2';
				messages.push({ from: p.from, to: p.to, text: ucs2 ? utf16be(all) : all.toString('utf8'),
					coding: ucs2 ? 'ucs2' : 'gsm', parts: total });
				pending.delete(key);
			}
		}
	}
	return messages;
}

async function waitFor(what, fn, ms) {
	const end = Date.now() + ms;
	for (;;) {
		if (await fn())
			return;
		if (Date.now() > end)
			throw new Error(`Kannel : ${what} pas prêt en ${ms / 1000} s`);
		await sleep(100);
	}
}

async function start({ user = 'lien', password = 'mot-de-passe-kannel', ports, httpRetry = 0, httpQueueDelay = 0 } = {}) {
	const why = missing();
	if (why)
		throw new Error(why);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lien-kannel-'));
	const p = ports ? { ...ports } : {
		admin: await freePort(), box: await freePort(), smsc: await freePort(), sendsms: await freePort(),
		adminPassword: 'admin-' + process.pid,
	};
	const conf = path.join(dir, 'kannel.conf');
	fs.writeFileSync(conf, config(dir, p, user, password, { httpRetry, httpQueueDelay }));
	const procs = [];
	const spawn = (name, cmd, args) => {
		const out = fs.openSync(path.join(dir, name + '.out'), 'w');
		const child = cp.spawn(cmd, args, { stdio: ['ignore', out, out] });
		fs.closeSync(out);
		child.exited = new Promise((r) => child.on('exit', r));
		procs.push(child);
		return child;
	};
	const status = () => get(`http://127.0.0.1:${p.admin}/status.txt?password=${p.adminPassword}`);
	const self = {
		dir,
		ports: p,
		user,
		password,
		sendsmsUrl: `http://127.0.0.1:${p.sendsms}/cgi-bin/sendsms`,
		received: () => {
			const f = path.join(dir, 'fakesmsc.out');
			return fs.existsSync(f) ? parse(fs.readFileSync(f, 'utf8')) : [];
		},
		log: (name) => {
			const f = path.join(dir, name);
			return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
		},
		/* Stops the boxes (SIGTERM, then SIGKILL after 3 s) and keeps the
		 * directory only when keep is set (to read the logs). */
		stop: async (keep = false) => {
			for (const c of procs.slice().reverse())
				if (c.exitCode === null && c.signalCode === null)
					c.kill('SIGTERM');
			await Promise.race([Promise.all(procs.map((c) => c.exited)), sleep(3000)]);
			for (const c of procs)
				if (c.exitCode === null && c.signalCode === null)
					c.kill('SIGKILL');
			await Promise.all(procs.map((c) => c.exited));
			if (!keep)
				fs.rmSync(dir, { recursive: true, force: true });
		},
	};
	try {
		spawn('bearerbox', BEARERBOX, [conf]);
		await waitFor('bearerbox', async () => (await status()) !== null, 10000);
		/* -m 0: sends nothing, only prints what it receives. */
		spawn('fakesmsc', FAKESMSC, ['-H', '127.0.0.1', '-r', String(p.smsc), '-m', '0', '0 0 text x']);
		spawn('smsbox', SMSBOX, [conf]);
		await waitFor('la chaîne smsbox → bearerbox → SMSC', async () => {
			const s = await status();
			return s && /smsbox:.*on-line/.test(s.body) && /fake\[fake\].*\(online/.test(s.body);
		}, 15000);
		await waitFor('sendsms', async () => (await get(`${self.sendsmsUrl}`)) !== null, 10000);
	} catch (e) {
		await self.stop(true);
		throw new Error(`${e.message} (journaux dans ${dir})`);
	}
	return self;
}

module.exports = { start, missing, freePort, parse };
