#!/usr/bin/env node
/*
 * The authorization matrix, generated from the route table: every route of
 * src/web/routes.c × every role × own or other structure × logged in or
 * not × with or without the CSRF token, against tests/matrix/routes.expected.
 * A route missing from the expected table (or the other way round) fails.
 *
 * Outcomes checked:
 *   not logged in        GET → 303 to /connexion, POST → 401 (login form)
 *   role not allowed     403
 *   other structure      404 (the object is not even acknowledged)
 *   POST without token   403
 *   allowed              anything but 401, 403, 404 and 5xx
 * Node 20 built-ins only; every request goes to 127.0.0.1.
 */
'use strict';
require('../lib/backend');

const { request, form, cookieOf, csrfOf } = require('../lib/http');
const crypto = require('node:crypto');
const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.resolve(ROOT, process.env.LIEN_BIN || 'build/lien');
const PW = 'Tournesol-Bleu-2026';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lien-matrix-'));
const DB = path.join(dir, 'm.db');

let passed = 0, failed = 0;
function result(ok, name, why) {
	if (ok) {
		passed++;
		console.log(`ok   matrix: ${name}`);
	} else {
		failed++;
		console.log(`FAIL matrix: ${name} — ${why}`);
	}
}

function lien(...args) {
	const r = cp.spawnSync(BIN, [...args, '--db', DB], { encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error(`lien ${args.join(' ')}: ${r.stderr}`);
	return r.stdout;
}
function sql(q) {
	const r = cp.spawnSync('sqlite3', ['-cmd', '.timeout 5000', DB, q], { encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error(`sqlite3 ${q}: ${r.stderr}`);
	return r.stdout.trim();
}


/* RFC 6238 with HMAC-SHA1, 30 s, 6 digits. */
function totp(secretB32, offset = 0) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = '';
	for (const ch of secretB32.replace(/\s+/g, '').toUpperCase())
		bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
	const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + offset));
	const h = crypto.createHmac('sha1', key).update(counter).digest();
	const o = h[19] & 15;
	return String((h.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

async function login(port, loginName) {
	const page = await request(port, 'GET', '/connexion');
	const pre = cookieOf(page, 'lien_pre');
	let r = await request(port, 'POST', '/connexion', { cookie: `lien_pre=${pre}`,
		body: form({ csrf: pre, identifiant: loginName, mot_de_passe: PW }) });
	let cookie = `lien_session=${cookieOf(r, 'lien_session')}`;
	if (r.headers.location === '/compte/double-authentification') {
		/* Second factor required: enrol with the secret shown on the page. */
		const enrol = await request(port, 'GET', '/compte/double-authentification', { cookie });
		const secret = /<code class="secret">([^<]+)<\/code>/.exec(enrol.body)[1];
		r = await request(port, 'POST', '/compte/double-authentification', { cookie,
			body: form({ csrf: csrfOf(enrol.body), code: totp(secret) }) });
		cookie = `lien_session=${cookieOf(r, 'lien_session')}`;
	}
	const account = await request(port, 'GET', '/compte', { cookie });
	if (account.status !== 200)
		throw new Error(`${loginName}: no complete session (${account.status})`);
	return { cookie, csrf: csrfOf(account.body) };
}

function parseRoutes() {
	const src = fs.readFileSync(path.join(ROOT, 'src/web/routes.c'), 'utf8');
	const roles = { STAFF: 'accueil,ts,resp', HEAD_OF: 'resp', EVERYONE: 'accueil,ts,resp,admin',
		FOLLOWS: 'ts,resp', 0: 'public' };
	const out = [];
	for (const m of src.matchAll(/\{(GET|POST), "([^"]+)", \w+, ([^,]+), (\w+)\}/g)) {
		const flags = m[3];
		out.push({ method: m[1], pattern: m[2], roles: flags.includes('R_PUBLIC') ? 'public' : roles[m[4]] || m[4] });
	}
	return out;
}

function parseExpected() {
	return fs.readFileSync(path.join(__dirname, 'routes.expected'), 'utf8').split('\n')
		.filter((l) => l.trim() && !l.startsWith('#'))
		.map((l) => { const [method, pattern, roles] = l.trim().split(/\s+/); return { method, pattern, roles }; });
}

/* A multipart/form-data body: text fields, then one file part. */
function multipart(fields, file) {
	const boundary = '----LienMatrix' + crypto.randomBytes(8).toString('hex');
	let body = '';
	for (const [k, v] of Object.entries(fields))
		body += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
	body += `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\n` +
		`Content-Type: ${file.type}\r\n\r\n${file.data}\r\n--${boundary}--\r\n`;
	return { body, type: `multipart/form-data; boundary=${boundary}` };
}

/* The objects of the démarches, mandates, aid, documents and diagnostic
 * routes, for the file `person` of structure s (created by its worker ts):
 * the démarche, the aid request and the documents through the app's own
 * routes, the mandate, its revocation and the diagnostic as rows (the
 * matrix's workers have no second factor; the rows follow the schema). */
async function procedureObjects(port, s, ts, person) {
	const sid = s === 'a' ? 1 : 2;
	const uid = Number(sql(`SELECT id FROM users WHERE login = 'ts.${s}'`));
	const located = (r, re, what) => {
		const m = r.status === 303 && re.exec(r.headers.location || '');
		if (!m)
			throw new Error(`${what} for structure ${s}: got ${r.status} ${r.headers.location || ''}`);
		return Number(m[1]);
	};
	const procedure = located(await request(port, 'POST', `/personnes/${person}/demarches`, { cookie: ts.cookie,
		body: form({ csrf: ts.csrf, organism: 'caf', domain: 'logement', subject: `Démarche matrice ${s}`, status: 'en_cours',
			way: 'avec', opened_on: '', submitted_on: '', answer_due_on: '', renewal_on: '', notes: '',
			checklist: 'Avis d\'imposition\nRIB' }) }), /^\/demarches\/(\d+)$/, 'démarche');
	const today = new Date().toISOString().slice(0, 10).split('-').reverse().join('/');
	const aid = located(await request(port, 'POST', `/personnes/${person}/aides`, { cookie: ts.cookie,
		body: form({ csrf: ts.csrf, kind: 'energie', purpose: 'Facture', amount_asked: '120', status: 'accordee',
			commission_on: '', decision_on: today, amount_granted: '80', payment: 'virement', refusal_reason: '' }) }),
		/^\/aides\/(\d+)$/, 'aid request');
	const now = Math.floor(Date.now() / 1000);
	const mandate = Number(sql(`INSERT INTO mandates (structure_id, person_id, domains, duration, starts_on, ends_on, consent_on, ` +
		`created_by, created_at) VALUES (${sid}, ${person}, 'logement,argent', '1a', date('now', '-1 day'), date('now', '+300 days'), ` +
		`date('now', '-1 day'), ${uid}, ${now}) RETURNING id`));
	const revocation = Number(sql(`INSERT INTO mandate_revocations (structure_id, mandate_id, domain, reason, by_user, at) ` +
		`VALUES (${sid}, ${mandate}, 'argent', 'Matrice', ${uid}, ${now}) RETURNING id`));
	sql(`UPDATE mandates SET domains = 'logement' WHERE id = ${mandate}`);
	const diagnostic = Number(sql(`INSERT INTO diagnostics (structure_id, person_id, done_on, equipment, internet, email_usable, ` +
		`identity_usable, skill_device, skill_find, skill_communicate, skill_procedure, skill_scams, skill_accounts, level, path, ` +
		`created_by, created_at) VALUES (${sid}, ${person}, date('now'), 'smartphone', 'mobile', 1, 0, 2, 2, 3, 1, 2, 1, 2, ` +
		`'accompagner', ${uid}, ${now}) RETURNING id`));
	/* Documents: one to read, the others for the deletions (one each). */
	const documents = [];
	for (let i = 0; i < (s === 'a' ? 10 : 4); i++) {
		const mp = multipart({ csrf: ts.csrf, objet: 'procedure', objet_id: String(procedure) },
			{ name: 'fichier', filename: `piece-${i}.pdf`, type: 'application/pdf', data: `%PDF-1.4\n% matrice ${s} ${i}\n%%EOF\n` });
		const r = await request(port, 'POST', `/personnes/${person}/documents`, { cookie: ts.cookie, body: mp.body, type: mp.type });
		if (r.status !== 303)
			throw new Error(`document upload for structure ${s}: got ${r.status}`);
		documents.push(Number(sql(`SELECT max(id) FROM documents WHERE structure_id = ${sid}`)));
	}
	/* An appointment booked through the form, and a call to make (reception's list). */
	const soon = new Date(Date.now() + 3 * 86400 * 1000).toISOString().slice(0, 10).split('-').reverse().join('/');
	const appointment = located(await request(port, 'POST', '/rendez-vous', { cookie: ts.cookie,
		body: form({ csrf: ts.csrf, person: String(person), others: '', worker: String(uid), kind: 'entretien', date: soon,
			time: s === 'a' ? '10:00' : '11:00', duration: '30', place: 'site', site: '', place_detail: '', to_bring: '',
			notes: '' }) }), /^\/rendez-vous\/(\d+)$/, 'appointment');
	const reminder = Number(sql(`INSERT INTO outbox (structure_id, appointment_id, person_id, channel, due_at, recipient, body, ` +
		`next_attempt_at, created_at) VALUES (${sid}, ${appointment}, ${person}, 'telephone', ${now}, '01 02 03 04 05', 'Rappel', ` +
		`${now}, ${now}) RETURNING id`));
	/* The directory: a national service (imported once, shared), a partner
	 * of the structure with one service, and an orientation of the file
	 * towards the national service. */
	if (s === 'a')
		lien('import', 'services', path.join(ROOT, 'tests/directory/samples/lmn-20231003-bus-france-services-charente.SANITIZED.json'));
	const service = Number(sql('SELECT min(id) FROM dir_services'));
	const partner = Number(sql(`INSERT INTO dir_local_structures (structure_id, nom, date_maj, created_at, updated_at) ` +
		`VALUES (${sid}, 'Partenaire ${s}', '2026-01-01', ${now}, ${now}) RETURNING id`));
	const local = Number(sql(`INSERT INTO dir_local_services (structure_id, partner_id, nom, description, date_maj, ` +
		`structure_nom, created_at, updated_at) VALUES (${sid}, ${partner}, 'Service ${s}', 'Un service local.', ` +
		`'2026-01-01', 'Partenaire ${s}', ${now}, ${now}) RETURNING id`));
	const orientation = Number(sql(`INSERT INTO orientations (structure_id, person_id, service_id, service_name, reason, ` +
		`status, status_at, created_by, created_at, updated_at) VALUES (${sid}, ${person}, ${service}, 'Service', ` +
		`'Matrice', 'proposee', ${now}, ${uid}, ${now}, ${now}) RETURNING id`));
	return { procedure, aid, mandate, revocation, diagnostic, documents, appointment, reminder, service, partner, local,
		orientation };
}

async function main() {
	/* Two structures, each with one account per role, a file and a task;
	 * an instance administrator. */
	lien('init');
	lien('structure', 'add', 'CCAS A');
	lien('structure', 'add', 'CCAS B');
	const users = {};
	for (const s of ['a', 'b'])
		for (const [role, name] of [['accueil', 'Accueil'], ['travailleur_social', 'Suivi'], ['responsable', 'Cheffe']]) {
			const short = { accueil: 'accueil', travailleur_social: 'ts', responsable: 'resp' }[role];
			lien('user', 'add', '--structure', s === 'a' ? '1' : '2', '--login', `${short}.${s}`,
				'--name', `${name} ${s.toUpperCase()}`, '--role', role, '--password', PW);
			users[`${short}.${s}`] = { login: `${short}.${s}` };
		}
	lien('user', 'add', '--login', 'admin', '--name', 'Admin Instance', '--role', 'administrateur', '--password', PW);
	/* The accounts that user administration routes act on (never logged in). */
	for (const s of ['a', 'b'])
		lien('user', 'add', '--structure', s === 'a' ? '1' : '2', '--login', `cible.${s}`, '--name', `Cible ${s}`,
			'--role', 'accueil', '--password', PW);
	const srv = cp.spawn(BIN, ['serve', '--db', DB, '--listen', '127.0.0.1:0', '--login-delay', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
	const port = await new Promise((resolve, reject) => {
		let out = '';
		srv.stdout.on('data', (d) => { out += d; const m = /127\.0\.0\.1:(\d+)\//.exec(out); if (m) resolve(Number(m[1])); });
		setTimeout(() => reject(new Error('server did not start')), 20000);
	});
	try {
		const expected = parseExpected();
		const routes = parseRoutes();
		const key = (r) => `${r.method} ${r.pattern}`;
		const exp = new Map(expected.map((r) => [key(r), r.roles]));
		const got = new Map(routes.map((r) => [key(r), r.roles]));
		for (const [k, roles] of got)
			result(exp.get(k) === roles, `route table: ${k} is ${roles}`,
				exp.has(k) ? `expected ${exp.get(k)}` : 'no entry in tests/matrix/routes.expected: add one');
		for (const k of exp.keys())
			if (!got.has(k))
				result(false, `route table: ${k}`, 'in routes.expected but not in src/web/routes.c');

		const sessions = {};
		for (const u of ['accueil.a', 'ts.a', 'resp.a', 'ts.b', 'admin'])
			sessions[u] = await login(port, u);
		/* Objects of each structure: files, a task, a target account. */
		const objects = {};
		for (const s of ['a', 'b']) {
			const ts = s === 'a' ? sessions['ts.a'] : sessions['ts.b'];
			const ids = [];
			for (let i = 0; i < 60; i++) {
				const r = await request(port, 'POST', '/personnes', { cookie: ts.cookie, body: form({ csrf: ts.csrf,
					birth_name: `Matrice${s}${i}`, first_names: 'Lou', preferred_channel: 'courrier', protection: 'aucune',
					info_date: '01/01/2026', info_method: 'paper', autre_personne: '1' }) });
				ids.push(Number(/(\d+)$/.exec(r.headers.location)[1]));
			}
			await request(port, 'POST', `/personnes/${ids[0]}/taches`, { cookie: ts.cookie,
				body: form({ csrf: ts.csrf, text: 'Rappeler', due: '' }) });
			objects[s] = { persons: ids, task: Number(sql(`SELECT id FROM tasks WHERE person_id = ${ids[0]}`)),
				user: Number(sql(`SELECT id FROM users WHERE login = 'cible.${s}'`)) };
			Object.assign(objects[s], await procedureObjects(port, s, ts, ids[0]));
		}
		/* A calendar feed of structure b's worker: the matrix never posts
		 * /compte/agenda as that user, so its secret address stays valid. */
		const feedPage = await request(port, 'POST', '/compte/agenda', { cookie: sessions['ts.b'].cookie,
			body: form({ csrf: sessions['ts.b'].csrf, detail: 'initiales', action: 'creer' }) });
		const feedPath = (/\/calendrier\/[A-Za-z0-9_-]+\.ics/.exec(feedPage.body) || [''])[0];
		if (!feedPath)
			throw new Error(`calendar feed: got ${feedPage.status}`);
		/* Destructive routes (erase, merge, document deletion) each get a
		 * fresh object of their own. */
		let fresh = 1;
		const freshDoc = { a: 1, b: 1 };
		const idsFor = (pattern, s) => {
			const o = objects[s];
			if (pattern.startsWith('/utilisateurs/'))
				return [o.user];
			if (pattern.startsWith('/taches/'))
				return [o.task];
			if (/effacer|fusionner/.test(pattern))
				return [o.persons[fresh++]];
			if (pattern.startsWith('/demarches/'))
				return [o.procedure];
			if (pattern.startsWith('/mandats/{id}/revocations/'))
				return [o.mandate, o.revocation];
			if (pattern.startsWith('/mandats/'))
				return [o.mandate];
			if (pattern.startsWith('/aides/'))
				return [o.aid];
			if (pattern === '/documents/{id}/supprimer')
				return [o.documents[Math.min(freshDoc[s]++, o.documents.length - 1)]];
			if (pattern.startsWith('/documents/'))
				return [o.documents[0]];
			if (pattern.startsWith('/diagnostics/'))
				return [o.diagnostic];
			if (pattern.startsWith('/rendez-vous/'))
				return [o.appointment];
			if (pattern.startsWith('/rappels/'))
				return [o.reminder];
			/* National services belong to no structure: every one sees the
			 * same; b's is an id that does not exist (404 like any unknown id). */
			if (pattern.startsWith('/annuaire/services/'))
				return [s === 'a' ? o.service : 999999999];
			if (pattern.startsWith('/annuaire/partenaires/'))
				return [o.partner];
			if (pattern.startsWith('/annuaire/locaux/'))
				return [o.local];
			if (pattern.startsWith('/orientations/'))
				return [o.orientation];
			return [o.persons[0]];
		};
		const concrete = (pattern, s) => {
			let out = pattern.replace('/static/*', '/static/lien.css').replace('/calendrier/*', feedPath);
			for (const id of idsFor(pattern, s))
				out = out.replace('{id}', String(id));
			if (out.includes('{id}'))
				throw new Error(`${pattern}: no object for every {id}`);
			return out;
		};
		const roleOf = { 'accueil.a': 'accueil', 'ts.a': 'ts', 'resp.a': 'resp', admin: 'admin' };
		const bodyFor = (csrf) => form({ csrf: csrf || '', doublon: '2000-000001' });
		const isLogout = (r) => r.pattern === '/deconnexion';

		for (const r of routes) {
			const name = key(r);
			/* Not logged in. */
			const anon = await request(port, r.method, concrete(r.pattern, 'a'), r.method === 'POST' ? { body: bodyFor('') } : {});
			if (r.roles === 'public') {
				result(anon.status < 500 && anon.status !== 404, `${name} — public`, `got ${anon.status}`);
				continue;
			}
			if (r.method === 'GET')
				result(anon.status === 303 && /^\/connexion/.test(anon.headers.location || ''), `${name} — not logged in → login`,
					`got ${anon.status} ${anon.headers.location || ''}`);
			else
				result(anon.status === 401, `${name} — not logged in → 401`, `got ${anon.status}`);
			for (const [u, role] of Object.entries(roleOf)) {
				if (isLogout(r))
					continue; /* checked last, it ends the session */
				const s = sessions[u];
				const allowed = r.roles.split(',').includes(role);
				const own = await request(port, r.method, concrete(r.pattern, 'a'),
					r.method === 'POST' ? { cookie: s.cookie, body: bodyFor(s.csrf) } : { cookie: s.cookie });
				if (!allowed) {
					result(own.status === 403, `${name} — ${role} refused`, `got ${own.status}`);
					continue;
				}
				result(own.status < 500 && ![401, 403, 404].includes(own.status), `${name} — ${role} allowed`, `got ${own.status}`);
				if (r.method === 'POST') {
					const nocsrf = await request(port, 'POST', concrete(r.pattern, 'a'), { cookie: s.cookie, body: bodyFor('') });
					result(nocsrf.status === 403, `${name} — ${role} without CSRF token → 403`, `got ${nocsrf.status}`);
				}
				if (r.pattern.includes('{id}') && role !== 'admin') {
					const other = await request(port, r.method, concrete(r.pattern, 'b'),
						r.method === 'POST' ? { cookie: s.cookie, body: bodyFor(s.csrf) } : { cookie: s.cookie });
					result(other.status === 404, `${name} — ${role} on the other structure's object → 404`, `got ${other.status}`);
				}
			}
		}
		/* Logging out: without the token refused, with it the session ends. */
		for (const u of Object.keys(roleOf)) {
			const s = sessions[u];
			const no = await request(port, 'POST', '/deconnexion', { cookie: s.cookie, body: bodyFor('') });
			result(no.status === 403, `POST /deconnexion — ${roleOf[u]} without CSRF token → 403`, `got ${no.status}`);
			const yes = await request(port, 'POST', '/deconnexion', { cookie: s.cookie, body: bodyFor(s.csrf) });
			const after = await request(port, 'GET', '/compte', { cookie: s.cookie });
			result(yes.status === 303 && after.status === 303, `POST /deconnexion — ${roleOf[u]} logged out`, `got ${yes.status}, then ${after.status}`);
		}
	} catch (e) {
		result(false, 'matrix run', e.stack);
	}
	srv.kill('SIGTERM');
	console.log(`${passed} passed, ${failed} failed`);
	fs.rmSync(dir, { recursive: true, force: true });
	process.exit(failed ? 1 : 0);
}

main();
