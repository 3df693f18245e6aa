'use strict';
/*
 * A real SMTP server on loopback for the gateway tests: aiosmtpd (Debian
 * package python3-aiosmtpd, installed by make deps) with its Mailbox
 * handler, which writes every message it accepts into a Maildir, with the
 * envelope in X-MailFrom and X-RcptTo headers.
 *
 *   const s = await smtp.start();
 *   s.url                  smtp://127.0.0.1:PORT, for --smtp-url
 *   s.messages()           the messages received, parsed (below)
 *   await s.stop()
 *
 * A message: {from, to, rcpt, mailFrom, subject (decoded), messageId, date,
 * headers, parts: [{type, params, disposition, filename, body (Buffer),
 * encoding}], text, html, ics, icsPart} — text, html and ics decoded to
 * strings, null when absent.
 */
const cp = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

/* Debian's interpreter, where python3-aiosmtpd is (not a pyenv one). */
const PYTHON = '/usr/bin/python3';

function missing() {
	const r = cp.spawnSync(PYTHON, ['-c', 'import aiosmtpd'], { encoding: 'utf8' });
	return r.status === 0 ? null : `aiosmtpd absent (paquet Debian python3-aiosmtpd : make deps)`;
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

/* Headers of a MIME entity: name (lowercase) → unfolded value, first wins. */
function parseHeaders(text) {
	const h = {};
	for (const line of text.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
		const m = /^([^:\s]+):\s*(.*)$/.exec(line);
		if (m && !(m[1].toLowerCase() in h))
			h[m[1].toLowerCase()] = m[2];
	}
	return h;
}

function split(raw) {
	const m = /\r?\n\r?\n/.exec(raw);
	return m ? [raw.slice(0, m.index), raw.slice(m.index + m[0].length)] : [raw, ''];
}

/* "text/plain; charset=UTF-8; name=\"x\"" → {value, params} */
function parseParams(v) {
	const [value, ...rest] = (v || '').split(';');
	const params = {};
	for (const p of rest) {
		const m = /^\s*([^=\s]+)\s*=\s*(?:"([^"]*)"|(\S*))\s*$/.exec(p);
		if (m)
			params[m[1].toLowerCase()] = m[2] !== undefined ? m[2] : m[3];
	}
	return { value: value.trim().toLowerCase(), params };
}

function qpDecode(s) {
	s = s.replace(/=\r?\n/g, '');
	const out = [];
	for (let i = 0; i < s.length; i++) {
		if (s[i] === '=' && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) {
			out.push(parseInt(s.slice(i + 1, i + 3), 16));
			i += 2;
		} else {
			out.push(...Buffer.from(s[i], 'latin1'));
		}
	}
	return Buffer.from(out);
}

/* RFC 2047 encoded words (B and Q), blanks between adjacent words dropped. */
function decodeWords(v) {
	return v.replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1').replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
		(_, cs, enc, data) => {
			const b = enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : qpDecode(data.replace(/_/g, ' '));
			return b.toString(/utf-?8/i.test(cs) ? 'utf8' : 'latin1');
		});
}

/* Leaf parts of a MIME entity, depth first. */
function walk(raw, parts) {
	const [head, body] = split(raw);
	const h = parseHeaders(head);
	const ct = parseParams(h['content-type'] || 'text/plain');
	if (ct.value.startsWith('multipart/') && ct.params.boundary) {
		const sep = '--' + ct.params.boundary;
		const chunks = body.split(new RegExp(`\\r?\\n?${sep.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
		for (const c of chunks.slice(1)) {
			if (c.startsWith('--'))
				break;
			walk(c.replace(/^\r?\n/, ''), parts);
		}
		return;
	}
	const enc = (h['content-transfer-encoding'] || '7bit').toLowerCase();
	const bytes = enc === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64')
		: enc === 'quoted-printable' ? qpDecode(body) : Buffer.from(body, 'latin1');
	const disp = parseParams(h['content-disposition'] || '');
	parts.push({
		type: ct.value, params: ct.params, disposition: disp.value || null,
		filename: disp.params.filename || ct.params.name || null, encoding: enc, body: bytes,
	});
}

function parseMessage(raw) {
	const [head] = split(raw);
	const h = parseHeaders(head);
	const parts = [];
	walk(raw, parts);
	const find = (type) => parts.find((p) => p.type === type);
	const str = (p) => (p ? p.body.toString('utf8') : null);
	const ics = find('text/calendar');
	return {
		headers: h, raw,
		from: decodeWords(h.from || ''), to: h.to || '', rcpt: h['x-rcptto'] || '', mailFrom: h['x-mailfrom'] || '',
		subject: decodeWords(h.subject || ''), messageId: h['message-id'] || '', date: h.date || '',
		parts, text: str(find('text/plain')), html: str(find('text/html')), ics: str(ics), icsPart: ics || null,
	};
}

async function start() {
	const why = missing();
	if (why)
		throw new Error(why);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lien-smtp-'));
	const maildir = path.join(dir, 'Maildir');
	const port = await freePort();
	const out = fs.openSync(path.join(dir, 'aiosmtpd.out'), 'w');
	const child = cp.spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`,
		'-c', 'aiosmtpd.handlers.Mailbox', maildir], { stdio: ['ignore', out, out] });
	fs.closeSync(out);
	const exited = new Promise((r) => child.on('exit', r));
	const end = Date.now() + 10000;
	for (;;) {
		const up = await new Promise((resolve) => {
			const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
			s.on('error', () => resolve(false));
		});
		if (up)
			break;
		if (Date.now() > end || child.exitCode !== null) {
			child.kill('SIGKILL');
			throw new Error(`aiosmtpd ne répond pas sur le port ${port} : ` +
				fs.readFileSync(path.join(dir, 'aiosmtpd.out'), 'utf8').slice(-500));
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		url: `smtp://127.0.0.1:${port}`,
		port,
		dir,
		messages: () => {
			const files = [];
			for (const sub of ['new', 'cur']) {
				const d = path.join(maildir, sub);
				if (fs.existsSync(d))
					for (const f of fs.readdirSync(d))
						files.push(path.join(d, f));
			}
			return files.map((f) => ({ f, t: fs.statSync(f).mtimeMs })).sort((a, b) => a.t - b.t)
				.map(({ f }) => parseMessage(fs.readFileSync(f, 'latin1')));
		},
		stop: async (keep = false) => {
			if (child.exitCode === null && child.signalCode === null)
				child.kill('SIGTERM');
			await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
			if (child.exitCode === null && child.signalCode === null)
				child.kill('SIGKILL');
			await exited;
			if (!keep)
				fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

module.exports = { start, missing, parseMessage, decodeWords };
