#!/usr/bin/env node
/*
 * Appointments and their reminders end to end, with the real gateways: a
 * Kannel (bearerbox, smsbox, fakesmsc standing for the operator, delivery
 * reports back to Lien at --public-url) and an SMTP server (aiosmtpd), a
 * live `lien serve` and its background sender, driven through the web
 * pages as a worker and a head of service would. Node 20, built-ins only.
 *
 *   node tests/reminders/run.js      (LIEN_BIN=build-san/lien under make test)
 *
 * Covers: one person per way of being reached (SMS, e-mail, letter, call,
 * fallback along the structure's order, none); double booking, moving,
 * cancelling, outcomes; the gateway down or silent; a crash test (1,000 SMS
 * due at once, the server SIGKILLed while it sends, restarted: every
 * message must reach the operator exactly once); the private calendar
 * feed; the settings' preview and checks.
 *
 * Prints "ok   reminders: NAME" or "FAIL reminders: NAME — reason" per
 * test, the crash test's figures ("crash: ..." lines, for BENCHMARKS.md),
 * then "N passed, N failed"; exits 1 on any failure. Nothing is simulated:
 * without Kannel or aiosmtpd the run fails and says which package is
 * missing. REMINDERS_CRASH_N (1000) and REMINDERS_CRASH_KILLS (3) size the
 * crash test; REMINDERS_DLR_RETRY=0 runs it with Kannel's default (a
 * delivery report that finds Lien down is lost); REMINDERS_ONLY=TEXT runs
 * the tests whose name holds TEXT.
 */
'use strict';
require('../lib/backend');
const {
	AssertionError, fail, assert, eq, has, hasNot, short, sleep, textOf, unescapeHtml, request, encodeForm, Client,
	csrfOf, hiddenFields, status, runTests, LienServer,
} = require('../lib/web');

const cp = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const kannel = require('../lib/kannel.js');
const smtp = require('../lib/smtp.js');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.resolve(ROOT, process.env.LIEN_BIN || 'build/lien');
const PW = 'Tournesol-Bleu-2026';
const STRUCT = 'CCAS de Sète';
const STRUCT_PHONE = '04 67 46 10 10';
const STRUCT_ADDRESS = '2 rue de l\'Hôtel de Ville, 34200 Sète';
const CLAIM = 3; /* --outbox-claim: a killed sender's claims expire fast */
const CRASH_N = Number(process.env.REMINDERS_CRASH_N || 1000);
const CRASH_KILLS = Number(process.env.REMINDERS_CRASH_KILLS || 3);

/* ------------------------------------------------------------------ */
/* Harness                                                             */

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

/* Waits until fn() (sync or async) gives a truthy value. */
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


/* ------------------------------------------------------------------ */
/* Processes                                                           */

let tmp, DB;

function run(cmd, args, opts = {}) {
	const r = cp.spawnSync(cmd, args, { encoding: 'utf8', timeout: 60000, maxBuffer: 64 << 20, ...opts });
	if (r.error)
		throw r.error;
	return r;
}
function lien(...args) {
	const r = run(BIN, args);
	if (r.status !== 0)
		fail(`lien ${args.join(' ')} : ${r.stderr.trim()}`);
	return r.stdout;
}
function sql(db, q) {
	const r = run('sqlite3', ['-batch', '-cmd', '.timeout 10000', db, q]);
	if (r.status !== 0)
		fail(`sqlite3 ${short(q, 120)} : ${r.stderr.trim()}`);
	return r.stdout.trim();
}
/* Rows as objects (sqlite3's JSON mode: values may hold newlines). */
function rows(db, q) {
	const r = run('sqlite3', ['-batch', '-json', '-cmd', '.timeout 10000', db, q]);
	if (r.status !== 0)
		fail(`sqlite3 ${short(q, 120)} : ${r.stderr.trim()}`);
	return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

function freePort() {
	return kannel.freePort();
}

const servers = [];
/* lien serve on a fixed port (Kannel's reports come back to it). */
class Server extends LienServer {
	constructor(name, db, port, extra) {
		super(name, BIN, ['serve', '--db', db, ...extra], port, servers);
	}
}

async function login(c, loginName) {
	const page = await c.get('/connexion');
	status(page, 200, 'GET /connexion');
	const fields = hiddenFields(page.body, '/connexion');
	const r = await c.req('POST', '/connexion', {
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: encodeForm({ ...fields, identifiant: loginName, mot_de_passe: PW }),
	});
	status(r, 303, `connexion de ${loginName}`);
	return r;
}

/* TOTP (RFC 6238), for the head of service's second factor. */
function base32Decode(s) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0, acc = 0;
	const out = [];
	for (const ch of s.replace(/[\s=]/g, '').toUpperCase()) {
		acc = (acc << 5) | alphabet.indexOf(ch);
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

async function loginWorker(c, loginName) {
	const r = await login(c, loginName);
	eq(r.headers.location, '/', `connexion de ${loginName}`);
	c.csrf = csrfOf((await c.get('/compte')).body);
}

/* A head of service: password, then enrolment of the second factor. */
async function loginHead(c, loginName) {
	const r = await login(c, loginName);
	eq(r.headers.location, '/compte/double-authentification', `connexion de ${loginName}`);
	const page = await c.get('/compte/double-authentification');
	const m = /<code class="secret">([A-Z2-7 ]+)<\/code>/.exec(page.body);
	assert(m, 'secret TOTP absent de la page d\'enrôlement');
	const code = hotp(base32Decode(m[1]), Math.floor(Date.now() / 30000));
	const done = await c.post('/compte/double-authentification', { csrf: csrfOf(page.body), code });
	status(done, 200, 'enrôlement du second facteur');
	c.csrf = csrfOf((await c.get('/compte')).body);
}

/* ------------------------------------------------------------------ */
/* Time, as Lien shows it (Europe/Paris)                               */

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre',
	'novembre', 'décembre'];
const DAYS = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];
const PARIS = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: 'numeric',
	day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });

function paris(t) {
	const p = {};
	for (const x of PARIS.formatToParts(new Date(t * 1000)))
		p[x.type] = Number(x.value);
	return { y: p.year, m: p.month, d: p.day, H: p.hour, M: p.minute };
}
const two = (n) => String(n).padStart(2, '0');
/* What the form takes: JJ/MM/AAAA and HH:MM. */
function formWhen(t) {
	const p = paris(t);
	return { date: `${two(p.d)}/${two(p.m)}/${p.y}`, time: `${two(p.H)}:${two(p.M)}` };
}
/* What a reminder says: "mercredi 3 décembre", "14 h 30". */
function saidWhen(t) {
	const p = paris(t);
	const wd = DAYS[new Date(Date.UTC(p.y, p.m - 1, p.d)).getUTCDay()];
	return { date: `${wd} ${p.d}${p.d === 1 ? 'er' : ''} ${MONTHS[p.m - 1]}`, time: p.M ? `${p.H} h ${two(p.M)}` : `${p.H} h` };
}
function icsStamp(t) {
	return new Date(t * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
const nowS = () => Math.floor(Date.now() / 1000);
/* A time h hours from now, on a 5-minute mark, plus k slots of 40 minutes
 * (appointments last 30: a worker's slots never overlap). */
function slot(h, k = 0) {
	return Math.ceil((nowS() + h * 3600) / 300) * 300 + k * 2400;
}

/* ------------------------------------------------------------------ */
/* SMS text checks                                                     */

const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXT = '^{}\\[~]|€\f';
/* Septets in GSM-7, or -1 when a character is outside the alphabet. */
function gsmLength(s) {
	let n = 0;
	for (const ch of s) {
		if (GSM_BASIC.includes(ch))
			n += 1;
		else if (GSM_EXT.includes(ch))
			n += 2;
		else
			return -1;
	}
	return n;
}
/* What Lien's folding makes of a French text: letters outside the
 * alphabet lose their accent. */
function gsmFold(s) {
	let out = '';
	for (const ch of s)
		out += GSM_BASIC.includes(ch) || GSM_EXT.includes(ch) ? ch : ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
	return out;
}

/* ------------------------------------------------------------------ */
/* The world                                                           */

let K, S, srv, ts, head, hole;
const W = {};           /* user ids */
const P = {};           /* persons: key → {id, ...} */
const A = {};           /* appointments: key → {id, t} */
let kannelRuns = [];    /* messages of stopped Kannel instances */
/* smsbox presents a delivery report again, every second, while Lien is
 * down (REMINDERS_DLR_RETRY=0: Kannel's default, reports lost). */
const KANNEL_OPTS = { httpRetry: Number(process.env.REMINDERS_DLR_RETRY ?? 30), httpQueueDelay: 1 };

function gatewayArgs(smsUrl) {
	return ['--sms-url', smsUrl || K.sendsmsUrl, '--sms-user', K.user, '--sms-password', K.password, '--sms-from',
		'CCAS-Sete', '--smtp-url', S.url, '--smtp-from', 'CCAS de Sète <rappels@ccas-sete.fr>'];
}

/* Everything fakesmsc printed, across Kannel restarts. */
function smsReceived() {
	return [...kannelRuns, ...(K ? K.received() : [])];
}
const smsTo = (e164) => smsReceived().filter((m) => m.to === e164);

/* The settings form as it stands (templates, order of channels). */
async function templates() {
	const page = await head.get('/structure/rappels');
	status(page, 200, '/structure/rappels');
	const field = (name) => unescapeHtml(new RegExp(`<textarea id="${name}" name="${name}"[^>]*>([\\s\\S]*?)</textarea>`)
		.exec(page.body)[1]);
	return { fallback: unescapeHtml(/id="fallback" name="fallback" type="text" value="([^"]*)"/.exec(page.body)[1]),
		sms_template: field('sms_template'), email_template: field('email_template'), letter_template: field('letter_template') };
}

async function createPerson(key, f) {
	const today = formWhen(nowS()).date;
	const r = await ts.post('/personnes', {
		civilite: f.civilite || '', birth_name: f.birth_name, first_names: f.first_names,
		preferred_channel: f.preferred_channel, phone: f.phone || '', phone2: f.phone2 || '', email: f.email || '',
		address: f.address || '', postal_code: f.postal_code || '', commune_name: f.commune_name || '',
		protection: 'aucune', info_date: today, info_method: 'oral_notice', autre_personne: '1',
	});
	const m = /^\/personnes\/(\d+)/.exec(r.headers.location || '');
	if (r.status !== 303 || !m)
		fail(`création de ${f.first_names} ${f.birth_name} : HTTP ${r.status} — ${short(textOf(r.body))}`);
	P[key] = { id: Number(m[1]), ...f };
	return P[key];
}

function apptForm(t, extra = {}) {
	const w = formWhen(t);
	return { worker: W.elodie, kind: 'entretien', date: w.date, time: w.time, duration: '30', place: 'site', site: '',
		place_detail: '', to_bring: '', notes: '', ...extra };
}

async function book(key, persons, t, extra = {}) {
	const r = await ts.post('/rendez-vous', { person: persons.map((k) => P[k].id), ...apptForm(t, extra) });
	const m = /^\/rendez-vous\/(\d+)$/.exec(r.headers.location || '');
	if (r.status !== 303 || !m)
		fail(`rendez-vous ${key} : HTTP ${r.status} — ${short(textOf(r.body), 400)}`);
	A[key] = { id: Number(m[1]), t };
	return A[key];
}

function outbox(apptId) {
	return rows(DB, `SELECT id, person_id AS person, channel, status, due_at AS due, recipient, attempts, ` +
		`next_attempt_at AS next, last_error AS error, claim_until AS claim FROM outbox WHERE appointment_id = ${apptId} ` +
		'ORDER BY due_at, id');
}
const one = (apptId) => {
	const o = outbox(apptId);
	eq(o.length, 1, `rappels du rendez-vous ${apptId}`);
	return o[0];
};

/* ------------------------------------------------------------------ */
/* 0. The structure                                                     */

test('the structure\'s phone and address are set through /structure', async () => {
	const r = await head.post('/structure', { phone: STRUCT_PHONE, address: STRUCT_ADDRESS, hours: 'Du lundi au vendredi, 9 h - 12 h' });
	status(r, 303, 'POST /structure');
	const page = await head.get('/structure');
	has(page.body, `value="${STRUCT_PHONE}"`, '/structure');
});

/* ------------------------------------------------------------------ */
/* 1. Channels                                                          */

test('six persons, one per way of being reached, are booked ~3 hours ahead through the form', async () => {
	await createPerson('sms', { civilite: 'Mme', birth_name: 'Lefèvre', first_names: 'Amandine', preferred_channel: 'sms',
		phone: '06 12 34 56 78' });
	await createPerson('email', { civilite: 'Mme', birth_name: 'Denis', first_names: 'Manon Claire', preferred_channel: 'email',
		email: 'manon.denis@exemple.fr' });
	await createPerson('letter', { civilite: 'Mme', birth_name: 'Martin', first_names: 'Lucie', preferred_channel: 'courrier',
		address: '12 rue des Pêcheurs', postal_code: '34200', commune_name: 'Sète' });
	await createPerson('call', { civilite: 'M.', birth_name: 'Roussel', first_names: 'Hervé', preferred_channel: 'telephone',
		phone: '06 98 76 54 32' });
	/* SMS wanted, but only a landline: the structure's order (sms, email,
	 * courrier, telephone) gives the letter before the call. */
	await createPerson('landline', { civilite: 'M.', birth_name: 'Garcia', first_names: 'Paul', preferred_channel: 'sms',
		phone: '04 67 74 12 34', address: '5 quai de Bosc', postal_code: '34200', commune_name: 'Sète' });
	await createPerson('none', { civilite: 'M.', birth_name: 'Ndiaye', first_names: 'Ousmane', preferred_channel: 'en_personne' });
	const keys = ['sms', 'email', 'letter', 'call', 'landline', 'none'];
	for (let i = 0; i < keys.length; i++)
		await book(keys[i], [keys[i]], slot(3, i));
	const want = { sms: 'sms', email: 'email', letter: 'courrier', call: 'telephone', landline: 'courrier' };
	const now = nowS();
	for (const [k, ch] of Object.entries(want)) {
		const o = outbox(A[k].id);
		eq(o.length, 1, `${k} : un seul rappel (réservé au dernier moment : un rappel tout de suite)`);
		eq(o[0].channel, ch, `${k} : moyen`);
		assert(Math.abs(o[0].due - now) < 30, `${k} : rappel dû maintenant (${o[0].due - now} s)`);
	}
	eq(outbox(A.sms.id)[0].recipient, '+33612345678', 'numéro du SMS (E.164)');
	eq(outbox(A.landline.id)[0].recipient, 'M. Paul GARCIA\n5 quai de Bosc\n34200 SÈTE', 'adresse de la lettre de repli');
	eq(outbox(A.none.id).length, 0, 'personne injoignable : aucun rappel');
});

test('SMS: arrives once, in plain French in one GSM-7 message, then delivered by Kannel\'s report', async () => {
	const row = await until('rappel SMS « delivered »', () => {
		const r = one(A.sms.id);
		return r.status === 'delivered' && r;
	}, 15000);
	await sleep(1500); /* a second copy would have come by now */
	const got = smsTo('+33612345678');
	eq(got.length, 1, 'SMS reçus par fakesmsc pour +33612345678');
	const m = got[0];
	eq(m.coding, 'gsm', 'codage');
	eq(m.parts, 1, 'parties');
	const len = gsmLength(m.text);
	assert(len > 0 && len <= 160, `longueur GSM-7 : ${len} — ${m.text}`);
	const w = saidWhen(A.sms.t);
	for (const part of [gsmFold(STRUCT), 'rendez-vous', gsmFold(w.date), `à ${w.time}`, 'Élodie Marchand', STRUCT_PHONE])
		has(m.text, part, 'texte du SMS');
	assert(!/[?]{2}|\{|\}|\[|\]/.test(m.text), `texte du SMS : ${m.text}`);
	eq(m.from, 'CCAS-Sete', 'expéditeur');
	assert(row.error === '', `last_error : ${row.error}`);
	const page = await ts.get(`/rendez-vous/${A.sms.id}`);
	has(textOf(page.body), 'SMS reçu', 'page du rendez-vous (état du rappel)');
});

test('e-mail: subject, text and HTML parts, and the appointment as a text/calendar attachment', async () => {
	const mail = await until('courriel chez aiosmtpd', () => S.messages().find((x) => x.rcpt.includes('manon.denis@exemple.fr')));
	const w = saidWhen(A.email.t);
	eq(mail.subject, `Votre rendez-vous du ${w.date} à ${w.time}`, 'objet');
	has(mail.from, 'rappels@ccas-sete.fr', 'De');
	assert(mail.text, 'pas de partie texte');
	for (const part of ['Bonjour Manon,', w.date, w.time, 'Élodie Marchand', STRUCT_PHONE, STRUCT])
		has(mail.text, part, 'texte');
	assert(mail.html && mail.html.includes('<p>Bonjour Manon,</p>'), `HTML : ${short(mail.html)}`);
	assert(mail.icsPart, 'pas de pièce text/calendar');
	eq(mail.icsPart.filename, 'rendez-vous.ics', 'nom de la pièce jointe');
	has(mail.ics, `DTSTART:${icsStamp(A.email.t)}`, 'DTSTART');
	has(mail.ics, `DTEND:${icsStamp(A.email.t + 1800)}`, 'DTEND');
	has(mail.ics, `UID:rdv-${A.email.id}@lien`, 'UID');
	eq(mail.parts.map((p) => p.type).join(','), 'text/plain,text/html,text/calendar', 'structure MIME');
	await until('courriel « sent »', () => one(A.email.id).status === 'sent');
	await sleep(1000);
	eq(S.messages().filter((x) => x.rcpt.includes('manon.denis@exemple.fr')).length, 1, 'courriels reçus');
});

test('letters (preferred, and the landline\'s fallback): in /rappels and lettres.pdf, gone once posted', async () => {
	const page = await ts.get('/rappels');
	status(page, 200, '/rappels');
	const text = textOf(page.body);
	has(text, 'Lucie Martin', '/rappels (lettre)');
	has(text, 'Paul Garcia', '/rappels (lettre de repli)');
	const pdf = await ts.get('/rappels/lettres.pdf');
	status(pdf, 200, 'lettres.pdf');
	eq(pdf.headers['content-type'], 'application/pdf', 'type');
	const f = path.join(tmp, 'lettres.pdf');
	fs.writeFileSync(f, pdf.buf);
	const t = run('pdftotext', ['-layout', f, '-']).stdout.replace(/[ \t]+/g, ' ');
	const w = saidWhen(A.letter.t);
	for (const part of ['Mme Lucie MARTIN', '12 rue des Pêcheurs', '34200 SÈTE', 'Bonjour Lucie,', w.date, w.time,
		'M. Paul GARCIA', '5 quai de Bosc', STRUCT_PHONE])
		has(t, part, 'texte du PDF');
	const letter = one(A.letter.id);
	const done = await ts.post(`/rappels/${letter.id}/fait`, {});
	status(done, 303, 'lettre postée');
	eq(one(A.letter.id).status, 'done', 'état de la lettre postée');
	const after = textOf((await ts.get('/rappels')).body);
	hasNot(after, 'Lucie Martin', '/rappels après « Postée »');
	has(after, 'Paul Garcia', '/rappels après « Postée » (l\'autre lettre)');
	const again = await ts.post(`/rappels/${letter.id}/fait`, {});
	eq(again.flash, 'C\'est déjà fait.', 'deuxième « Postée »');
});

test('call: in /rappels with the number and the text to say', async () => {
	const page = await ts.get('/rappels');
	const html = page.body;
	const at = html.indexOf('Hervé Roussel');
	assert(at >= 0, `/rappels : appel absent — ${short(textOf(html), 400)}`);
	const item = textOf(html.slice(at, html.indexOf('</li>', at)));
	has(item, '06 98 76 54 32', 'numéro à appeler');
	const w = saidWhen(A.call.t);
	for (const part of ['À dire :', 'rendez-vous', gsmFold(w.date), w.time, 'Élodie Marchand'])
		has(item, part, 'texte à dire');
	const call = one(A.call.id);
	status(await ts.post(`/rappels/${call.id}/fait`, {}), 303, 'appel fait');
	eq(one(A.call.id).status, 'done', 'état de l\'appel');
	hasNot(textOf((await ts.get('/rappels')).body), 'Hervé Roussel', '/rappels après « Appel fait »');
	eq(smsTo('+33698765432').length, 0, 'aucun SMS à la personne qui préfère un appel');
});

test('the fallback follows the structure\'s order: telephone before courrier gives the landline a call', async () => {
	const tpl = await templates();
	status(await head.post('/structure/rappels', { ...tpl, delays: '48,24', fallback: 'sms,telephone,courrier,email' }), 303,
		'ordre sms,telephone,courrier,email');
	try {
		const a = await book('landline2', ['landline'], slot(3, 12));
		const o = one(a.id);
		eq(o.channel, 'telephone', 'moyen de repli');
		eq(o.recipient, '04 67 74 12 34', 'numéro à appeler');
		status(await ts.post(`/rappels/${o.id}/fait`, {}), 303, 'appel fait');
	} finally {
		status(await head.post('/structure/rappels', { ...tpl, delays: '48,24' }), 303, 'ordre par défaut');
	}
});

test('a person with no way to be reached: no reminder, and the appointment page says so', async () => {
	const page = await ts.get(`/rendez-vous/${A.none.id}`);
	status(page, 200, 'page du rendez-vous');
	has(textOf(page.body), 'Aucun rappel : la personne n\'a aucun moyen de contact enregistré', 'page du rendez-vous');
	eq(outbox(A.none.id).length, 0, 'lignes de l\'outbox');
});

/* ------------------------------------------------------------------ */
/* 2. Booking, conflicts and changes                                    */

test('double booking of a worker is refused (422, with the reason)', async () => {
	const before = sql(DB, 'SELECT count(*) FROM appointments');
	const r = await ts.post('/rendez-vous', { person: P.none.id, ...apptForm(A.sms.t + 15 * 60) });
	status(r, 422, 'rendez-vous qui chevauche');
	has(textOf(r.body), 'Ce professionnel a déjà un rendez-vous à ce moment-là', 'message');
	eq(sql(DB, 'SELECT count(*) FROM appointments'), before, 'rendez-vous enregistrés');
	/* Another worker is free at that time. */
	const ok = await ts.post('/rendez-vous', { person: P.none.id, ...apptForm(A.sms.t + 15 * 60, { worker: W.karim }) });
	status(ok, 303, 'même heure avec un autre professionnel');
});

test('moving an appointment rewrites its pending reminders', async () => {
	const t = slot(5 * 24, 0);
	const a = await book('move', ['sms'], t);
	eq(outbox(a.id).map((o) => o.due).join(','), `${t - 48 * 3600},${t - 24 * 3600}`, 'échéances (48 h et 24 h avant)');
	const page = await ts.get(`/rendez-vous/${a.id}`);
	const version = /name="version" value="(\d+)"/.exec(page.body)[1];
	const t2 = t + 86400 + 3600;
	const r = await ts.post(`/rendez-vous/${a.id}`, { version, ...apptForm(t2) });
	status(r, 303, 'déplacement');
	const o = outbox(a.id);
	eq(o.map((x) => x.due).join(','), `${t2 - 48 * 3600},${t2 - 24 * 3600}`, 'échéances après le déplacement');
	assert(o.every((x) => x.status === 'pending'), 'rappels en attente');
	/* The text follows the new time. */
	const body = sql(DB, `SELECT body FROM outbox WHERE appointment_id = ${a.id} LIMIT 1`);
	has(body, saidWhen(t2).time, 'texte du rappel après le déplacement');
	/* A stale version is refused. */
	const stale = await ts.post(`/rendez-vous/${a.id}`, { version, ...apptForm(t2 + 3600) });
	status(stale, 409, 'modification sur une version périmée');
	A.move.t = t2;
});

test('cancelling withdraws the pending reminders: nothing is sent', async () => {
	const tpl = await templates();
	status(await head.post('/structure/rappels', { delays: '48', ...tpl }), 303, 'délais « 48 »');
	try {
		await createPerson('cancel', { civilite: 'Mme', birth_name: 'Petit', first_names: 'Inès', preferred_channel: 'sms',
			phone: '07 81 22 33 44' });
		const t = slot(50, 0);
		const a = await book('cancel', ['cancel'], t);
		const o = one(a.id);
		eq(o.status, 'pending', 'rappel prévu');
		eq(o.due, t - 48 * 3600, 'échéance (48 h avant : dans 2 h environ)');
		const r = await ts.post(`/rendez-vous/${a.id}/annuler`, {});
		status(r, 303, 'annulation');
		has(r.flash, 'Aucun rappel ne partira plus', 'message');
		eq(sql(DB, `SELECT status FROM appointments WHERE id = ${a.id}`), 'annule', 'rendez-vous');
		eq(one(a.id).status, 'cancelled', 'rappel');
		/* Even when its time comes, a withdrawn reminder stays put. */
		sql(DB, `UPDATE outbox SET due_at = strftime('%s','now'), next_attempt_at = strftime('%s','now') WHERE appointment_id = ${a.id}`);
		await sleep(2500);
		eq(one(a.id).status, 'cancelled', 'rappel à l\'échéance');
		eq(smsTo('+33781223344').length, 0, 'SMS reçus par fakesmsc pour le rendez-vous annulé');
		const again = await ts.post(`/rendez-vous/${a.id}/annuler`, {});
		eq(again.flash, 'Ce rendez-vous est déjà annulé.', 'deuxième annulation');
		const move = await ts.post(`/rendez-vous/${a.id}`, { version: '2', ...apptForm(t + 3600) });
		eq(move.status, 409, 'déplacer un rendez-vous annulé');
		eq(one(a.id).status, 'cancelled', 'rappel après la tentative de déplacement');
	} finally {
		status(await head.post('/structure/rappels', { delays: '48,24', ...tpl }), 303, 'délais « 48,24 »');
	}
});

test('outcomes (venu, excusé, absent) are recorded only once the appointment has started', async () => {
	const early = await ts.post(`/rendez-vous/${A.sms.id}/presence`, { person: P.sms.id, outcome: 'honore' });
	status(early, 303, 'présence avant l\'heure');
	eq(early.flash, 'Ce rendez-vous n\'a pas encore eu lieu.', 'message');
	eq(sql(DB, `SELECT outcome FROM appointment_persons WHERE appointment_id = ${A.sms.id}`), '', 'présence enregistrée');
	hasNot((await ts.get(`/rendez-vous/${A.sms.id}`)).body, '/presence"', 'formulaire de présence avant l\'heure');
	const past = await book('past', ['none'], slot(-3, 0));
	eq(outbox(past.id).length, 0, 'rappels d\'un rendez-vous passé');
	has((await ts.get(`/rendez-vous/${past.id}`)).body, `action="/rendez-vous/${past.id}/presence"`, 'formulaire de présence');
	for (const outcome of ['honore', 'excuse', 'manque']) {
		const r = await ts.post(`/rendez-vous/${past.id}/presence`, { person: P.none.id, outcome });
		eq(r.flash, 'Présence enregistrée.', `${outcome} : message`);
		eq(sql(DB, `SELECT outcome FROM appointment_persons WHERE appointment_id = ${past.id}`), outcome, `${outcome} : enregistré`);
	}
	has(textOf((await ts.get(`/rendez-vous/${past.id}`)).body), 'Absent sans prévenir', 'page du rendez-vous');
	const bad = await ts.post(`/rendez-vous/${past.id}/presence`, { person: P.none.id, outcome: 'peut-etre' });
	eq(bad.flash, 'Choisissez : venu, excusé ou absent sans prévenir.', 'valeur inconnue');
	const other = await ts.post(`/rendez-vous/${past.id}/presence`, { person: P.sms.id, outcome: 'honore' });
	eq(other.flash, 'Cette personne n\'est pas attendue à ce rendez-vous.', 'personne non attendue');
});

/* ------------------------------------------------------------------ */
/* 5. Calendar feed; 6. settings                                        */

test('calendar feed: initials only, reachable without a session, 404 once revoked', async () => {
	const r = await ts.post('/compte/agenda', { detail: 'initiales', action: 'creer' });
	status(r, 200, 'création de l\'adresse');
	const m = /(\/calendrier\/[A-Za-z0-9_-]+\.ics)/.exec(r.body);
	assert(m, `adresse absente : ${short(textOf(r.body))}`);
	const feed = await request(srv.port, 'GET', m[1]);
	status(feed, 200, 'agenda sans session');
	has(feed.headers['content-type'], 'text/calendar', 'type');
	const ics = feed.body.replace(/\r\n[ \t]/g, '');
	assert(ics.startsWith('BEGIN:VCALENDAR\r\n') && ics.trimEnd().endsWith('END:VCALENDAR'), 'VCALENDAR');
	const events = ics.split('BEGIN:VEVENT').length - 1;
	assert(events >= 6, `${events} VEVENT`);
	has(ics, `DTSTART:${icsStamp(A.email.t)}`, 'DTSTART du rendez-vous de Manon Denis');
	has(ics, 'SUMMARY:Entretien – M. D.', 'initiales de Manon Denis');
	has(ics, 'SUMMARY:Entretien – A. L.', 'initiales d\'Amandine Lefèvre');
	for (const name of ['Denis', 'DENIS', 'Manon', 'Lefèvre', 'Amandine', 'Martin', 'Roussel', 'Ndiaye'])
		hasNot(ics, name, 'agenda (initiales seulement)');
	/* Another worker's appointments are not in it. */
	assert(!ics.includes(`UID:rdv-${Number(sql(DB, `SELECT max(id) FROM appointments WHERE worker_id = ${W.karim}`))}@lien`),
		'rendez-vous d\'un autre professionnel dans l\'agenda');
	status(await ts.post('/compte/agenda', { action: 'supprimer' }), 303, 'suppression');
	status(await request(srv.port, 'GET', m[1]), 404, 'agenda après suppression');
});

test('settings: the preview counts SMS segments; an invalid delay list is refused clearly', async () => {
	const page = await head.get('/structure/rappels');
	status(page, 200, '/structure/rappels');
	assert(/\d+ caractères – 1 SMS/.test(textOf(page.body)), `aperçu : ${short(textOf(page.body), 600)}`);
	const saved = sql(DB, 'SELECT delays || \'|\' || sms_template FROM reminder_settings');
	const long = '{structure} : votre rendez-vous est fixé le {date} à {heure} avec {avec}. Merci de venir avec une pièce ' +
		'd\'identité, votre avis d\'imposition et vos trois derniers bulletins de salaire. Si vous êtes empêché, appelez le {telephone}.';
	const prev = await head.post('/structure/rappels', { apercu: '1', delays: '48,24', fallback: 'sms,email,courrier,telephone',
		sms_template: long, email_template: 'Le {date} à {heure}', letter_template: 'Le {date} à {heure}' });
	status(prev, 200, 'aperçu');
	const t = textOf(prev.body);
	assert(/\d+ caractères – 2 SMS : le message sera facturé et reçu en plusieurs morceaux/.test(t), `aperçu long : ${short(t, 800)}`);
	has(t, 'votre avis d\'imposition', 'aperçu du texte');
	eq(sql(DB, 'SELECT delays || \'|\' || sms_template FROM reminder_settings'), saved, 'l\'aperçu n\'enregistre rien');
	for (const delays of ['48,abc', '0', '1,2,3,4,5', '800', '']) {
		const r = await head.post('/structure/rappels', { delays, fallback: 'sms,email,courrier,telephone',
			sms_template: long, email_template: 'Le {date} à {heure}', letter_template: 'Le {date} à {heure}' });
		status(r, 422, `délais « ${delays} »`);
		assert(/Délais : de 1 à 4 nombres d'heures avant le rendez-vous|Indiquez au moins un délai de rappel/.test(textOf(r.body)),
			`délais « ${delays} » : ${short(textOf(r.body), 400)}`);
		has(r.body, 'id="delays-erreur"', `délais « ${delays} » : erreur près du champ`);
	}
	const noDate = await head.post('/structure/rappels', { delays: '24', fallback: 'sms', sms_template: 'Venez !',
		email_template: 'Le {date} à {heure}', letter_template: 'Le {date} à {heure}' });
	status(noDate, 422, 'modèle sans {date}');
	has(textOf(noDate.body), 'contient {date} et {heure}', 'modèle sans {date}');
	eq(sql(DB, 'SELECT delays || \'|\' || sms_template FROM reminder_settings'), saved, 'réglages après les refus');
});

/* ------------------------------------------------------------------ */
/* 3. The gateway down                                                  */

test('Kannel stopped: the SMS goes back to pending with the error and a later attempt, then out once Kannel is back', async () => {
	const ports = K.ports;
	await K.stop(true);
	kannelRuns = kannelRuns.concat(K.received());
	fs.rmSync(K.dir, { recursive: true, force: true });
	K = null;
	await createPerson('down', { civilite: 'M.', birth_name: 'Lambert', first_names: 'Yves', preferred_channel: 'sms',
		phone: '06 55 44 33 22' });
	const t0 = Date.now();
	const a = await book('down', ['down'], slot(3, 8));
	assert(Date.now() - t0 < 3000, `réservation : ${Date.now() - t0} ms`);
	const row = await until('rappel remis en attente après l\'échec', () => {
		const r = one(a.id);
		return r.status === 'pending' && r.attempts === 1 && r;
	}, 10000);
	has(row.error, 'passerelle SMS', 'last_error');
	assert(row.next >= nowS() + 45, `prochaine tentative dans ${row.next - nowS()} s (au moins une minute après l'échec)`);
	has(textOf((await ts.get(`/rendez-vous/${a.id}`)).body), row.error, 'erreur sur la page du rendez-vous');
	K = await kannel.start({ ...KANNEL_OPTS, ports });
	await sleep(2000);
	eq(one(a.id).status, 'pending', 'rappel avant l\'échéance de la nouvelle tentative');
	/* The back-off's minute, shortened. */
	sql(DB, `UPDATE outbox SET next_attempt_at = strftime('%s','now') WHERE id = ${row.id}`);
	const done = await until('rappel « delivered » après le retour de Kannel', () => {
		const r = one(a.id);
		return r.status === 'delivered' && r;
	}, 15000);
	eq(done.attempts, 2, 'tentatives');
	await sleep(1000);
	eq(smsTo('+33655443322').length, 1, 'SMS reçus');
});

test('a gateway that never answers: pages do not wait for it, the SMS is retried later', async () => {
	const sockets = [];
	const mute = net.createServer((s) => sockets.push(s));
	await new Promise((r) => mute.listen(0, '127.0.0.1', r));
	await srv.stop();
	hole = new Server('trou noir', DB, srv.port, [...gatewayArgs(`http://127.0.0.1:${mute.address().port}/cgi-bin/sendsms`),
		'--gateway-timeout', '2', '--outbox-claim', String(CLAIM), '--public-url', `http://127.0.0.1:${srv.port}`]);
	try {
		await hole.start();
		await createPerson('hole1', { civilite: 'Mme', birth_name: 'Blanc', first_names: 'Jeanne', preferred_channel: 'sms',
			phone: '06 11 22 33 01' });
		await createPerson('hole2', { civilite: 'Mme', birth_name: 'Noir', first_names: 'Rose', preferred_channel: 'sms',
			phone: '06 11 22 33 02' });
		const t0 = Date.now();
		const a1 = await book('hole1', ['hole1'], slot(3, 9));
		const a2 = await book('hole2', ['hole2'], slot(3, 10));
		assert(Date.now() - t0 < 3000, `réservations : ${Date.now() - t0} ms`);
		await until('rappel pris par l\'envoi', () => [...outbox(a1.id), ...outbox(a2.id)].some((r) => r.status === 'sending'), 5000, 20);
		let worst = 0;
		for (const p of ['/agenda', `/rendez-vous/${a1.id}`, '/rappels', `/personnes/${P.hole1.id}`]) {
			const s = Date.now();
			status(await ts.get(p), 200, p);
			worst = Math.max(worst, Date.now() - s);
		}
		assert(worst < 1000, `une page a attendu la passerelle : ${worst} ms`);
		assert(sockets.length >= 1, 'la passerelle muette n\'a reçu aucune connexion');
		for (const a of [a1, a2]) {
			const r = await until('rappel remis en attente après le délai', () => {
				const x = one(a.id);
				return x.status === 'pending' && x.attempts === 1 && x;
			}, 10000);
			has(r.error, 'pas de réponse en 2 s', 'last_error');
			assert(r.next >= nowS() + 45, `prochaine tentative dans ${r.next - nowS()} s`);
		}
		console.log(`     (pages servies en ${worst} ms au plus pendant que l'envoi attendait la passerelle muette)`);
	} finally {
		await hole.stop();
		for (const s of sockets)
			s.destroy();
		mute.close();
		await srv.start();
	}
	sql(DB, `UPDATE outbox SET next_attempt_at = strftime('%s','now') WHERE appointment_id IN (${A.hole1.id}, ${A.hole2.id})`);
	for (const k of ['hole1', 'hole2'])
		await until(`${k} « delivered » par la vraie passerelle`, () => one(A[k].id).status === 'delivered', 15000);
	await sleep(1000);
	eq(smsTo('+33611223301').length, 1, 'SMS reçus (1)');
	eq(smsTo('+33611223302').length, 1, 'SMS reçus (2)');
});

test('a gateway that accepts only after Lien gave up: its delivery report settles the row, nothing is sent twice', async () => {
	/* In front of Kannel, a relay that holds each request 2.6 s: Lien's
	 * 2-second timeout has passed (a temporary error, retried in a
	 * minute) when Kannel takes the message and reports it delivered. */
	const upstream = K.ports.sendsms;
	const held = [];
	const slow = net.createServer((c) => {
		const chunks = [];
		c.on('data', (d) => chunks.push(d));
		c.on('error', () => {});
		held.push(setTimeout(() => {
			const u = net.connect(upstream, '127.0.0.1', () => {
				for (const ch of chunks)
					u.write(ch);
			});
			u.on('data', (d) => c.destroyed || c.write(d));
			u.on('end', () => c.destroyed || c.end());
			u.on('error', () => c.destroy());
		}, 2600));
	});
	await new Promise((r) => slow.listen(0, '127.0.0.1', r));
	await srv.stop();
	const lent = new Server('passerelle lente', DB, srv.port, [...gatewayArgs(`http://127.0.0.1:${slow.address().port}/cgi-bin/sendsms`),
		'--gateway-timeout', '2', '--outbox-claim', String(CLAIM), '--public-url', `http://127.0.0.1:${srv.port}`]);
	try {
		await lent.start();
		await createPerson('slow', { civilite: 'M.', birth_name: 'Lent', first_names: 'Gaston', preferred_channel: 'sms',
			phone: '06 11 22 33 03' });
		const a = await book('slow', ['slow'], slot(3, 11));
		await until('SMS chez fakesmsc', () => smsTo('+33611223303').length === 1, 10000);
		const r = await until('rappel réglé par l\'accusé de réception', () => {
			const x = one(a.id);
			return x.status === 'delivered' && x;
		}, 5000).catch((e) => fail(`${e.message} (ligne : ${JSON.stringify(one(a.id))})`));
		has(r.error, 'pas de réponse en 2 s', 'last_error (l\'envoi avait échoué côté Lien)');
		/* Were it retried, the person would get it twice. */
		sql(DB, `UPDATE outbox SET next_attempt_at = strftime('%s','now') WHERE id = ${r.id}`);
		await sleep(2500);
		eq(one(a.id).status, 'delivered', 'état après l\'échéance de la nouvelle tentative');
		eq(smsTo('+33611223303').length, 1, 'SMS reçus');
	} finally {
		await lent.stop();
		for (const t of held)
			clearTimeout(t);
		slow.close();
		await srv.start();
	}
});

/* ------------------------------------------------------------------ */
/* 4. Crash test                                                        */

/* Messages fakesmsc printed so far (cheap: one count of log lines). */
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

function rssOf(pid) {
	try {
		const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (k) => Number((new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s) || [])[1] || 0);
		return Math.max(kb('VmHWM'), kb('VmRSS'));
	} catch {
		return 0;
	}
}

test(`crash: ${CRASH_N} SMS due at once, the server SIGKILLed ${CRASH_KILLS} times while sending, each arrives exactly once`, async () => {
	await srv.stop(); /* the machine to the crash test alone */
	const cdb = path.join(tmp, 'crash.db');
	lien('init', '--db', cdb);
	lien('structure', 'add', 'CCAS de Crashville', '--db', cdb);
	lien('user', 'add', '--db', cdb, '--structure', 'CCAS de Crashville', '--login', 'camille', '--name', 'Camille Test',
		'--role', 'travailleur_social', '--password', PW);
	const worker = Number(sql(cdb, 'SELECT id FROM users WHERE login = \'camille\''));
	const now = nowS();
	const t0 = Date.now();
	/* One transaction: persons TestNNNN with a mobile each, an appointment
	 * each tomorrow, and its SMS reminder due now. */
	/* Zero-padded numbers in SQL both SQLite and PostgreSQL read. */
	const pad = (width, expr) => `substr(CAST(${10 ** width} + (${expr}) AS TEXT), 2)`;
	sql(cdb, `BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${CRASH_N})
INSERT INTO persons(structure_id, file_number, birth_name, first_names, phone, preferred_channel, info_date, info_method,
	search_name, last_contact_at, created_at, updated_at)
SELECT 1, 'CR-' || ${pad(5, 'i')}, 'Charge', 'Test' || ${pad(4, 'i')}, '06 ' || ${pad(2, '10 + i / 1000000')} || ' ' ||
	${pad(2, 'i / 10000 % 100')} || ' ' || ${pad(2, 'i / 100 % 100')} || ' ' || ${pad(2, 'i % 100')}, 'sms', '2026-01-01',
	'oral_notice', 'charge test' || ${pad(4, 'i')}, ${now}, ${now}, ${now} FROM n;
INSERT INTO appointments(structure_id, worker_id, kind, place, starts_at, ends_at, notes, created_by, created_at, updated_at)
SELECT 1, ${worker}, 'entretien', 'site', ${now + 86400} + p.id * 1800, ${now + 86400 + 1800} + p.id * 1800, 'crash:' || p.id,
	${worker}, ${now}, ${now} FROM persons p WHERE p.birth_name = 'Charge';
INSERT INTO appointment_persons(appointment_id, structure_id, person_id)
SELECT a.id, 1, p.id FROM appointments a JOIN persons p ON a.notes = 'crash:' || p.id;
INSERT INTO outbox(structure_id, appointment_id, person_id, channel, due_at, recipient, subject, body, next_attempt_at, created_at)
SELECT 1, a.id, p.id, 'sms', ${now - 1}, '+33' || substr(replace(p.phone, ' ', ''), 2), 'Votre rendez-vous',
	'CCAS de Crashville : rendez-vous demain avec Camille Test, ' || p.first_names || '. Empeche ? Appelez le 04 67 00 00 00.',
	${now - 1}, ${now} FROM appointments a JOIN persons p ON a.notes = 'crash:' || p.id;
COMMIT;`);
	eq(Number(sql(cdb, 'SELECT count(*) FROM outbox WHERE status = \'pending\'')), CRASH_N, 'rappels en file');
	const queuedMs = Date.now() - t0;
	const port = await freePort();
	const base = fakesmscCount();
	const crash = new Server('crash', cdb, port, [...gatewayArgs(), '--outbox-claim', String(CLAIM),
		'--public-url', `http://127.0.0.1:${port}`]);
	let maxRss = 0;
	const sampler = setInterval(() => {
		if (crash.alive())
			maxRss = Math.max(maxRss, rssOf(crash.pid));
	}, 50);
	const segments = [];
	const inFlight = new Map(); /* rows claimed when the server died → attempts then */
	const tStart = Date.now();
	try {
		/* Kill points spread over the batch, at random. */
		const kills = [];
		for (let k = 0; k < CRASH_KILLS; k++)
			kills.push(Math.floor(CRASH_N * (k + 0.3 + 0.5 * Math.random()) / (CRASH_KILLS + 1)));
		for (let k = 0; k <= CRASH_KILLS; k++) {
			await crash.start();
			const segStart = Date.now(), segFrom = fakesmscCount() - base;
			if (k === CRASH_KILLS)
				break;
			await until(`fakesmsc à ${kills[k]} messages`, () => fakesmscCount() - base >= kills[k], 60000, 10);
			maxRss = Math.max(maxRss, rssOf(crash.pid));
			await crash.kill();
			const at = fakesmscCount() - base;
			for (const r of rows(cdb, 'SELECT id, attempts FROM outbox WHERE status = \'sending\''))
				inFlight.set(r.id, r.attempts);
			segments.push({ from: segFrom, to: at, ms: Date.now() - segStart });
			console.log(`     crash: kill -9 n° ${k + 1} à ${at} messages reçus par fakesmsc ` +
				`(${sql(cdb, 'SELECT group_concat(status || \'=\' || n, \' \') FROM (SELECT status, count(*) n FROM outbox GROUP BY status) AS t')})`);
		}
		const last = { from: fakesmscCount() - base, start: Date.now() };
		await until('toutes les lignes « sent » ou « delivered »', () =>
			sql(cdb, 'SELECT count(*) FROM outbox WHERE status NOT IN (\'sent\', \'delivered\')') === '0', Math.max(120000, CRASH_N * 40), 250);
		const tDone = Date.now();
		segments.push({ from: last.from, to: fakesmscCount() - base, ms: tDone - last.start });
		/* Reports still on their way, and any late second copy. */
		await until('accusés de réception', () =>
			sql(cdb, 'SELECT count(*) FROM outbox WHERE status = \'delivered\'') === String(CRASH_N), 20000, 250).catch(() => {});
		await sleep(2000);
		clearInterval(sampler);
		const seen = new Map();
		for (const m of K.received().slice(0)) {
			const t = /Test(\d{4,})/.exec(m.text);
			if (t && m.text.includes('Crashville'))
				seen.set(t[1], (seen.get(t[1]) || 0) + 1);
		}
		let dup = 0, dupTokens = 0, missing = 0;
		for (let i = 1; i <= CRASH_N; i++) {
			const c = seen.get(String(i).padStart(4, '0')) || 0;
			if (c === 0)
				missing++;
			if (c > 1) {
				dup += c - 1;
				dupTokens++;
			}
		}
		const statuses = sql(cdb, 'SELECT group_concat(status || \'=\' || n, \' \') FROM (SELECT status, count(*) n FROM outbox GROUP BY status) AS t');
		const attempts = sql(cdb, 'SELECT group_concat(attempts || \'×\' || n, \' \') FROM (SELECT attempts, count(*) n FROM outbox GROUP BY attempts) AS t');
		/* Of the rows claimed when the server died: those handed to Kannel
		 * just before were settled by its (retried) delivery report, the
		 * others were claimed again once the claim had expired, and sent. */
		let settled = 0, resent = 0;
		for (const r of rows(cdb, `SELECT id, attempts FROM outbox WHERE id IN (${[...inFlight.keys()].join(',') || 0})`))
			if (r.attempts === inFlight.get(r.id))
				settled++;
			else
				resent++;
		const totalS = (tDone - tStart) / 1000;
		const rates = segments.filter((s) => s.to > s.from).map((s) => (s.to - s.from) / (s.ms / 1000));
		console.log(`     crash: ${CRASH_N} rappels mis en file en ${queuedMs} ms (une transaction sqlite3)`);
		console.log(`     crash: ${CRASH_KILLS} kill -9, ${dup} doublon(s) (${dupTokens} personnes), ${missing} manquant(s) ; ` +
			`lignes : ${statuses} ; tentatives : ${attempts}`);
		console.log(`     crash: lignes prises au moment des arrêts : ${inFlight.size}, dont ${settled} réglées par un accusé de ` +
			`réception arrivé après le redémarrage, ${resent} reprises à l'expiration et envoyées une fois`);
		console.log(`     crash: débit ${(CRASH_N / totalS).toFixed(1)} SMS/s de bout en bout (${totalS.toFixed(1)} s, redémarrages ` +
			`et expiration des prises de ${CLAIM} + ${CLAIM} s compris), ${rates.length ? Math.max(...rates).toFixed(1) : '?'} SMS/s ` +
			`au mieux entre deux arrêts ; RSS max du serveur ${(maxRss / 1024).toFixed(1)} Mio (${path.relative(ROOT, BIN)})`);
		eq(missing, 0, 'SMS manquants');
		eq(dup, 0, 'SMS reçus deux fois');
		eq(crash.crashes.length, 0, `arrêts imprévus du serveur : ${crash.crashes.join('; ')}`);
	} finally {
		clearInterval(sampler);
		await crash.stop();
		await srv.start();
	}
});

/* ------------------------------------------------------------------ */

async function main() {
	let passed = 0, failed = 0;
	const why = kannel.missing() || smtp.missing() || (fs.existsSync(BIN) ? null : `${BIN} absent (make)`) ||
		(run('sh', ['-c', 'command -v pdftotext && command -v sqlite3']).status ? 'pdftotext ou sqlite3 absent' : null);
	if (why) {
		console.log(`FAIL reminders: ${why}`);
		console.log(`0 passed, ${tests.length} failed`);
		process.exit(1);
	}
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lien-reminders-'));
	DB = path.join(tmp, 'lien.db');
	try {
		lien('init', '--db', DB);
		lien('structure', 'add', STRUCT, '--db', DB);
		for (const [l, n, r] of [['nadia', 'Nadia Responsable', 'responsable'], ['elodie', 'Élodie Marchand', 'travailleur_social'],
			['karim', 'Karim Benali', 'travailleur_social']])
			lien('user', 'add', '--db', DB, '--structure', STRUCT, '--login', l, '--name', n, '--role', r, '--password', PW);
		for (const l of ['elodie', 'karim'])
			W[l] = Number(sql(DB, `SELECT id FROM users WHERE login = '${l}'`));
		K = await kannel.start(KANNEL_OPTS);
		S = await smtp.start();
		const port = await freePort();
		srv = new Server('main', DB, port, [...gatewayArgs(), '--gateway-timeout', '2', '--outbox-claim', String(CLAIM),
			'--public-url', `http://127.0.0.1:${port}`]);
		await srv.start();
		ts = new Client(srv);
		head = new Client(srv);
		await loginWorker(ts, 'elodie');
		await loginHead(head, 'nadia');
	} catch (e) {
		console.log(`FAIL reminders: démarrage — ${e.stack || e.message}`);
		console.log(`0 passed, ${tests.length} failed`);
		for (const s of servers)
			await s.stop().catch(() => {});
		if (K)
			await K.stop(true);
		if (S)
			await S.stop(true);
		process.exit(1);
	}
	const r = await runTests('reminders', tests, servers, process.env.REMINDERS_ONLY);
	passed += r.passed;
	failed += r.failed;
	for (const s of servers)
		await s.stop();
	for (const c of servers.flatMap((s) => s.crashes.splice(0))) {
		failed++;
		console.log(`FAIL reminders: arrêt du serveur — ${c}`);
	}
	if (K)
		await K.stop(failed > 0);
	await S.stop(failed > 0);
	if (failed)
		console.log(`(fichiers gardés : ${tmp}${K ? `, ${K.dir}` : ''}, ${S.dir})`);
	else
		fs.rmSync(tmp, { recursive: true, force: true });
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

main();
