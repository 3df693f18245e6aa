#!/usr/bin/env node
/*
 * The messaging gateways end to end, with the real programs: a Kannel
 * (bearerbox, smsbox and fakesmsc standing for the operator) and an SMTP
 * server (aiosmtpd writing a Maildir), both on loopback ports, driven
 * through « lien message ». Node 20, built-in modules only.
 *
 *   node tests/gateway/run.js        (LIEN_BIN=build-san/lien under make test)
 *
 * Prints "ok   gateway: NAME" or "FAIL gateway: NAME — reason" per test,
 * then "N passed, N failed"; exits 1 on any failure. When Kannel or
 * aiosmtpd is not installed the run fails and says which package is
 * missing: nothing is simulated.
 */
'use strict';

const cp = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const kannel = require('../lib/kannel.js');
const smtp = require('../lib/smtp.js');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.resolve(ROOT, process.env.LIEN_BIN || 'build/lien');
const TIMEOUT = 4; /* --gateway-timeout for the runs that must give up */

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
class AssertionError extends Error {}
function assert(cond, msg) {
	if (!cond)
		throw new AssertionError(msg);
}
function eq(got, want, what) {
	if (got !== want)
		throw new AssertionError(`${what}: attendu ${JSON.stringify(want)}, obtenu ${JSON.stringify(got)}`);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* lien, asynchronously: the DLR receiver below must keep answering. */
function lien(args, env = {}) {
	return new Promise((resolve) => {
		const t0 = Date.now();
		const child = cp.spawn(BIN, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '', err = '';
		child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
		child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
		child.on('close', (code) => resolve({ code, out, err, ms: Date.now() - t0 }));
	});
}

async function until(what, fn, ms = 8000) {
	const end = Date.now() + ms;
	for (;;) {
		const v = fn();
		if (v)
			return v;
		if (Date.now() > end)
			throw new AssertionError(`${what} : rien après ${ms / 1000} s`);
		await sleep(100);
	}
}

/* ------------------------------------------------------------------ */

let K, S, tmp, db, dlr;
const dlrRequests = [];
const SMS = () => ['message', 'sms', '--db', db, '--sms-url', K.sendsmsUrl, '--sms-user', K.user,
	'--sms-password', K.password, '--sms-from', 'Lien', '--gateway-timeout', String(TIMEOUT)];
const MAIL = () => ['message', 'email', '--smtp-url', S.url, '--smtp-from', 'CCAS de Sète <rappels@ccas-sete.fr>',
	'--gateway-timeout', String(TIMEOUT)];

function sentTo(number, since) {
	return () => K.received().slice(since).find((m) => m.to === number);
}

/* The signature Lien puts on a delivery report's id: HMAC-SHA-256 keyed
 * with a key derived from the key file's (see src/cmd/message.c). */
function dlrSig(id) {
	const key = Buffer.from(fs.readFileSync(path.join(tmp, 'lien.key'), 'utf8').trim(), 'hex');
	const secret = crypto.createHmac('sha256', key).update('lien/passerelle/sms/accuse').digest('hex');
	return crypto.createHmac('sha256', Buffer.from(secret, 'hex')).update(`sms-dlr:${id}`).digest('hex');
}

test('SMS with accents arrives folded to the GSM alphabet, with its delivery reports', async () => {
	const before = K.received().length;
	const text = 'Bonjour Mme Lefèvre, rendez-vous mercredi à 9 h 30 au CCAS : apportez l’avis d’impôt. Ça ira !';
	const r = await lien([...SMS(), '--to', '06 12 34 56 78', '--text', text,
		'--public-url', `http://127.0.0.1:${dlr.address().port}/`]);
	eq(r.code, 0, `code de sortie (${r.err.trim()})`);
	assert(r.out.includes('Message remis à la passerelle'), `sortie : ${r.out}`);
	assert(/1 segment, alphabet GSM 7 bits/.test(r.out), `segments : ${r.out}`);
	const m = await until('fakesmsc', sentTo('+33612345678', before));
	eq(m.text, 'Bonjour Mme Lefèvre, rendez-vous mercredi à 9 h 30 au CCAS : apportez l\'avis d\'impot. Ça ira !',
		'texte reçu');
	eq(m.from, 'Lien', 'expéditeur');
	eq(m.coding, 'gsm', 'codage');
	/* The fake SMSC reports "accepted" (8) then "delivered" (1). */
	const reports = await until('accusés de réception', () => {
		const got = dlrRequests.filter((u) => u.pathname === '/passerelle/sms/accuse');
		return got.length >= 2 && got;
	});
	for (const u of reports) {
		eq(u.searchParams.get('id'), '0', 'id de l\'accusé');
		eq(u.searchParams.get('sig'), dlrSig(0), 'signature de l\'accusé');
	}
	eq(reports.map((u) => u.searchParams.get('type')).sort().join(','), '1,8', 'types d\'accusé');
});

test('every French form of a mobile number reaches the same E.164 number', async () => {
	for (const typed of ['+33 7 81 22 33 44', '0033 (0)7.81.22.33.44', '07-81-22-33-44']) {
		const before = K.received().length;
		const r = await lien([...SMS(), '--to', typed, '--text', 'Test']);
		eq(r.code, 0, `${typed} : code de sortie (${r.err.trim()})`);
		await until(`SMS pour ${typed}`, sentTo('+33781223344', before));
	}
});

test('a landline or special number never gets an SMS', async () => {
	const before = K.received().length;
	for (const typed of ['01 23 45 67 89', '09 72 00 00 00', '0800 00 00 00']) {
		const r = await lien([...SMS(), '--to', typed, '--text', 'Test']);
		eq(r.code, 1, `${typed} : code de sortie`);
		assert(r.err.includes('n\'est pas un numéro de mobile'), `${typed} : ${r.err}`);
		assert(r.err.includes('erreur définitive'), `${typed} : ${r.err}`);
	}
	const r = await lien([...SMS(), '--to', '06 12 34', '--text', 'Test']);
	eq(r.code, 1, 'numéro incomplet : code de sortie');
	assert(r.err.includes('numéro de téléphone invalide'), r.err);
	await sleep(500);
	eq(K.received().length, before, 'messages reçus par fakesmsc');
});

test('160 GSM characters make one SMS, 161 make two parts that arrive whole', async () => {
	const one = 'a'.repeat(151) + ' é€ fin.'; /* € counts twice: 160 */
	let before = K.received().length;
	let r = await lien([...SMS(), '--to', '0612345678', '--text', one]);
	eq(r.code, 0, `160 : code de sortie (${r.err.trim()})`);
	assert(/: 1 segment,/.test(r.out), `160 : ${r.out}`);
	const single = await until('SMS de 160', sentTo('+33612345678', before));
	eq(single.parts, 1, '160 : parties reçues');
	eq(single.text, one, '160 : texte reçu');
	before = K.received().length;
	const text = 'Rappel : '.padEnd(161, 'x');
	r = await lien([...SMS(), '--to', '0612345678', '--text', text]);
	eq(r.code, 0, `161 : code de sortie (${r.err.trim()})`);
	assert(/: 2 segments, alphabet GSM 7 bits/.test(r.out), `161 : ${r.out}`);
	const m = await until('SMS en deux parties', sentTo('+33612345678', before));
	eq(m.parts, 2, 'parties reçues');
	eq(m.text, text, 'texte réassemblé');
});

test('a text outside the GSM alphabet goes as UCS-2, intact', async () => {
	const before = K.received().length;
	const text = 'Rendez-vous 3 décembre — 日本語 ✓';
	const r = await lien([...SMS(), '--to', '06 12 34 56 78', '--text', text]);
	eq(r.code, 0, `code de sortie (${r.err.trim()})`);
	assert(/1 segment, UCS-2/.test(r.out), r.out);
	const m = await until('SMS UCS-2', sentTo('+33612345678', before));
	eq(m.coding, 'ucs2', 'codage');
	eq(m.text, 'Rendez-vous 3 décembre - 日本語 ✓', 'texte reçu (le tiret cadratin replié)');
});

test('a password Kannel refuses is a permanent error', async () => {
	const args = SMS();
	args[args.indexOf('--sms-password') + 1] = 'mauvais';
	const r = await lien([...args, '--to', '0612345678', '--text', 'Test']);
	eq(r.code, 1, 'code de sortie');
	assert(/erreur définitive : la passerelle SMS a refusé le message \(403/.test(r.err), r.err);
	assert(!r.err.includes('mauvais'), 'le mot de passe apparaît dans l\'erreur');
});

test('SMS without --sms-url: not configured, permanent', async () => {
	const r = await lien(['message', 'sms', '--to', '0612345678', '--text', 'Test']);
	eq(r.code, 1, 'code de sortie');
	assert(r.err.includes('pas configuré'), r.err);
});

test('e-mail arrives with subject, text, HTML and the appointment as rendez-vous.ics', async () => {
	const ics = path.join(tmp, 'rdv.ics');
	const cal = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Lien//FR', 'METHOD:PUBLISH', 'BEGIN:VEVENT',
		'UID:rdv-42@lien', 'DTSTAMP:20261128T100000Z', 'DTSTART:20261203T133000Z', 'DTEND:20261203T140000Z',
		'SUMMARY:Rendez-vous au CCAS de Sète', 'LOCATION:2 rue de l’Hôtel de Ville, Sète', 'END:VEVENT',
		'END:VCALENDAR', ''].join('\r\n');
	fs.writeFileSync(ics, cal);
	const subject = 'Votre rendez-vous du jeudi 3 décembre 2026 à 14 h 30 — CCAS de Sète, accueil';
	const text = 'Bonjour Mme Lefèvre,\n\nNous vous attendons jeudi 3 décembre à 14 h 30.\n' +
		'.Une ligne qui commence par un point, et une ligne très longue qui dépasse largement les ' +
		'soixante-seize caractères autorisés par ligne en quoted-printable = égal.\n\nÀ bientôt,\nLe CCAS';
	const html = '<p>Bonjour Mme Lefèvre,</p><p>Nous vous attendons <strong>jeudi 3 décembre à 14 h 30</strong>.</p>';
	const r = await lien([...MAIL(), '--to', 'elodie.lefevre@exemple.fr', '--subject', subject, '--text', text,
		'--html', html, '--ics', ics]);
	eq(r.code, 0, `code de sortie (${r.err.trim()})`);
	assert(r.out.includes('Message remis à la passerelle'), r.out);
	const m = await until('courriel', () => S.messages().find((x) => x.rcpt.includes('elodie.lefevre@exemple.fr')));
	eq(m.subject, subject, 'objet');
	eq(m.from, 'CCAS de Sète <rappels@ccas-sete.fr>', 'De');
	eq(m.mailFrom, 'rappels@ccas-sete.fr', 'MAIL FROM');
	/* aiosmtpd's Maildir keeps lines in \n (the CRLFs on the wire are
	 * checked by the unit tests of mail_build). */
	eq(m.text, text, 'texte');
	eq(m.html, html, 'HTML');
	assert(m.icsPart, 'pas de pièce text/calendar');
	eq(m.icsPart.filename, 'rendez-vous.ics', 'nom de la pièce jointe');
	eq(m.icsPart.params.method, 'PUBLISH', 'method');
	eq(m.icsPart.disposition, 'attachment', 'Content-Disposition');
	eq(m.ics, cal, 'calendrier (base64 : octet pour octet)');
	assert(/^<test-[0-9a-f]{32}@lien>$/.test(m.messageId), `Message-ID : ${m.messageId}`);
	assert(/^[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000$/.test(m.date), `Date : ${m.date}`);
	eq(m.headers['auto-submitted'], 'auto-generated', 'Auto-Submitted');
	for (const line of m.raw.split('\n'))
		assert(line.length <= 78, `ligne de plus de 78 caractères : ${line}`);
	eq(m.parts.map((p) => p.type).join(','), 'text/plain,text/html,text/calendar', 'structure MIME');
});

test('e-mail with text only, and a plain ASCII subject', async () => {
	const r = await lien([...MAIL(), '--to', 'jean@exemple.fr', '--subject', 'Rappel', '--text', 'Bonjour']);
	eq(r.code, 0, `code de sortie (${r.err.trim()})`);
	const m = await until('courriel', () => S.messages().find((x) => x.rcpt.includes('jean@exemple.fr')));
	eq(m.subject, 'Rappel', 'objet');
	eq(m.headers.subject, 'Rappel', 'objet brut (pas d\'encodage inutile)');
	eq(m.text, 'Bonjour\n', 'texte');
	eq(m.parts.length, 1, 'parties');
});

test('an invalid e-mail address is refused before any connection', async () => {
	for (const to of ['pas-une-adresse', 'a b@exemple.fr', 'x@exemple.fr\r\nBcc: y@exemple.fr']) {
		const r = await lien([...MAIL(), '--to', to, '--subject', 'S', '--text', 'T']);
		eq(r.code, 1, `${JSON.stringify(to)} : code de sortie`);
		assert(r.err.includes('erreur définitive : adresse électronique invalide'), r.err);
	}
});

test('Kannel stopped: temporary error, at once', async () => {
	const args = SMS();
	await K.stop();
	K = null;
	const r = await lien([...args, '--to', '0612345678', '--text', 'Test']);
	eq(r.code, 1, 'code de sortie');
	assert(r.err.includes('erreur temporaire') && r.err.includes('passerelle SMS injoignable'), r.err);
	assert(r.ms < TIMEOUT * 1000, `${r.ms} ms, pas moins que le délai de ${TIMEOUT} s`);
});

test('a gateway that never answers: temporary error after --gateway-timeout', async () => {
	const sockets = [];
	const mute = net.createServer((s) => sockets.push(s)); /* accepts, never answers */
	await new Promise((r) => mute.listen(0, '127.0.0.1', r));
	const port = mute.address().port;
	try {
		const r = await lien(['message', 'sms', '--sms-url', `http://127.0.0.1:${port}/cgi-bin/sendsms`,
			'--gateway-timeout', '2', '--to', '0612345678', '--text', 'Test']);
		eq(r.code, 1, 'SMS : code de sortie');
		assert(r.err.includes('erreur temporaire') && r.err.includes('pas de réponse en 2 s'), r.err);
		assert(r.ms >= 1900 && r.ms < 6000, `SMS : ${r.ms} ms`);
		const m = await lien(['message', 'email', '--smtp-url', `smtp://127.0.0.1:${port}`, '--smtp-from',
			'rappels@exemple.fr', '--gateway-timeout', '2', '--to', 'a@exemple.fr', '--subject', 'S', '--text', 'T']);
		eq(m.code, 1, 'SMTP : code de sortie');
		assert(m.err.includes('erreur temporaire') && m.err.includes('serveur SMTP'), m.err);
		assert(m.ms >= 1900 && m.ms < 6000, `SMTP : ${m.ms} ms`);
	} finally {
		for (const s of sockets)
			s.destroy();
		mute.close();
	}
});

test('SMTP server down: temporary error, at once', async () => {
	await S.stop();
	S = { url: S.url, stop: async () => {} };
	const r = await lien([...MAIL(), '--to', 'a@exemple.fr', '--subject', 'S', '--text', 'T']);
	eq(r.code, 1, 'code de sortie');
	assert(r.err.includes('erreur temporaire') && r.err.includes('serveur SMTP injoignable'), r.err);
	assert(r.ms < TIMEOUT * 1000, `${r.ms} ms`);
});

/* ------------------------------------------------------------------ */

async function main() {
	let passed = 0, failed = 0;
	const why = kannel.missing() || smtp.missing();
	if (why || !fs.existsSync(BIN)) {
		console.log(`FAIL gateway: ${why || `${BIN} absent (make)`}`);
		console.log(`0 passed, ${tests.length} failed`);
		process.exit(1);
	}
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lien-gateway-'));
	db = path.join(tmp, 'lien.db');
	const init = cp.spawnSync(BIN, ['init', '--db', db], { encoding: 'utf8' });
	dlr = http.createServer((req, res) => {
		dlrRequests.push(new URL(req.url, 'http://x'));
		res.end('ok');
	});
	await new Promise((r) => dlr.listen(0, '127.0.0.1', r));
	try {
		if (init.status !== 0)
			throw new Error(`lien init : ${init.stderr}`);
		K = await kannel.start();
		S = await smtp.start();
	} catch (e) {
		console.log(`FAIL gateway: démarrage — ${e.message}`);
		console.log(`0 passed, ${tests.length} failed`);
		process.exit(1);
	}
	for (const t of tests) {
		let err = null;
		try {
			await Promise.race([t.fn(), sleep(60000).then(() => { throw new Error('plus de 60 s'); })]);
		} catch (e) {
			err = e;
		}
		if (err) {
			failed++;
			console.log(`FAIL gateway: ${t.name} — ${err instanceof AssertionError ? err.message : err.stack}`);
		} else {
			passed++;
			console.log(`ok   gateway: ${t.name}`);
		}
	}
	if (K)
		await K.stop(failed > 0);
	await S.stop(failed > 0);
	dlr.close();
	if (!failed)
		fs.rmSync(tmp, { recursive: true, force: true });
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

main();
