/*
 * HTTP tests of démarches, mandates, acts under mandate and financial aid
 * (issue 5): the démarche form and its checklist, the person's summary,
 * the home page's reminders, acting in the person's place (mandate,
 * second factor, domains, revocation, expiry), the append-only record of
 * acts and its seal in the audit chain, optimistic locking, aid requests
 * and their decision letter, structure isolation and reception's access.
 *
 * Loaded by run.js, which passes its harness and helpers:
 *   require('./procedures')({ test, assert, ..., get main() { return main; } })
 * The tests run in order and share the files, démarches and mandates made
 * by the first ones; a test that needs something an earlier test failed
 * to make says so. Tampering with the record of acts is done on a copy of
 * the database: the run's own log stays valid for the final audit test.
 */
'use strict';

const path = require('node:path');

module.exports = function procedureTests(h) {
	const {
		test, assert, eq, has, hasNot, status, redirect, fail, textOf, short, lien, lienOk, sql, run,
		Client, csrfOf, hiddenFields, loginOk, enrolTotp, resetThrottle, unescapeHtml,
		PW, DB, dir, STRUCT_A, STRUCT_B,
	} = h;

	/* ------------------------------------------------------------------ */
	/* Fixture shared by the tests of this file                            */

	const U = {};           /* login -> { id, client, csrf } */
	const P = {};           /* short name -> person id */
	const O = {};           /* short name -> démarche, mandate, aid... id */

	const USERS = [
		/* --mandate: acts in people's place, so logs in with a second factor. */
		[STRUCT_A, 'd.ts', 'Daphné Mandataire', 'travailleur_social', ['--mandate']],
		[STRUCT_A, 'd.ts2', 'Dylan Sansclé', 'travailleur_social', []],
		[STRUCT_A, 'd.acc', 'Delphine Guichet', 'accueil', []],
		[STRUCT_B, 'd.tsb', 'Dorian Voisin', 'travailleur_social', []],
	];

	function user(login) {
		if (!U[login] || !U[login].client)
			fail(`${login} was not logged in by the setup test`);
		return U[login];
	}

	function need(store, key) {
		if (!store[key])
			fail(`"${key}" was not created by an earlier test`);
		return store[key];
	}

	const count = (statement) => Number(sql(DB, statement));
	const one = (statement) => sql(DB, statement);

	/* POST with the session's token; fields as an object, or as an array
	 * of [name, value] pairs for repeated names (checkboxes). */
	async function post(login, url, fields) {
		const u = user(login);
		if (Array.isArray(fields)) {
			const p = new URLSearchParams();
			p.append('csrf', u.csrf);
			for (const [k, v] of fields)
				p.append(k, v);
			return u.client.post(url, p.toString());
		}
		return u.client.post(url, { csrf: u.csrf, ...fields });
	}

	const get = (login, url) => user(login).client.get(url);

	/* Dates as the server sees them (Europe/Paris), `days` from today. */
	function isoDay(days = 0) {
		const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' })
			.formatToParts(new Date(Date.now() + days * 86400000));
		const v = (t) => parts.find((p) => p.type === t).value;
		return `${v('year')}-${v('month')}-${v('day')}`;
	}
	const fr = (iso) => iso.split('-').reverse().join('/');
	const dayFr = (days = 0) => fr(isoDay(days));
	const YEAR = Number(isoDay().slice(0, 4));

	/* The messages of the page's error summary for a field. */
	function errorsFor(html, field) {
		const summary = /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(html);
		if (!summary)
			return [];
		return [...summary[1].matchAll(/<a href="#([^"]*)">([^<]*)<\/a>/g)].filter((m) => m[1] === field).map((m) => unescapeHtml(m[2]));
	}

	function fieldError(res, field, message, what) {
		const msgs = errorsFor(res.body, field);
		if (!msgs.length)
			fail(`${what}: no error for the field ${field} — ${short(textOf(res.body), 400)}`);
		if (message && !msgs.some((m) => m.includes(message)))
			fail(`${what}: error of ${field} ${JSON.stringify(msgs)} does not say ${JSON.stringify(message)}`);
		return msgs.join(' ');
	}

	function noFieldError(res, field, what) {
		const msgs = errorsFor(res.body, field);
		if (msgs.length)
			fail(`${what}: unexpected error on ${field}: ${msgs.join(' ')}`);
	}

	function located(res, re, what) {
		const m = res.status === 303 && re.exec(res.headers.location || '');
		if (!m)
			fail(`${what}: expected 303 to ${re}, got ${res.status} ${res.headers.location || ''} — ${short(textOf(res.body), 400)}`);
		return m.slice(1).map(Number);
	}

	const PERSON = {
		civilite: 'Mme', birth_name: 'Sansnom', usage_name: '', first_names: 'Prénom', birth_date: '',
		birth_place: '', nationality: '', address: '3 rue des Écoles', postal_code: '59100', commune_name: 'Roubaix', phone: '',
		phone2: '', email: '', preferred_channel: 'courrier', languages: '', housing: '', resources: '',
		protection: 'aucune', protector_contact: '', caf_number: '', nir: '', info_date: '02/01/2025',
		info_method: 'oral_notice', autre_personne: '1',
	};

	async function createPerson(login, over) {
		const r = await post(login, '/personnes', { ...PERSON, ...over });
		return located(r, /^\/personnes\/(\d+)$/, `create the file ${over.birth_name}`)[0];
	}

	const PROCEDURE = {
		organism: 'caf', domain: 'social_sante', subject: 'Dossier', status: 'en_cours', way: 'avec', opened_on: '',
		submitted_on: '', answer_due_on: '', renewal_on: '', notes: '', checklist: '',
	};

	const createProcedure = (login, person, over) => post(login, `/personnes/${person}/demarches`, { ...PROCEDURE, ...over });

	async function createProcedureOk(login, person, over, what) {
		return located(await createProcedure(login, person, over), /^\/demarches\/(\d+)$/, what)[0];
	}

	/* A mandate form: domains repeated as the checkboxes send them. */
	function mandateForm(domains, over = {}) {
		const f = { duration: '1a', starts_on: '', consent_on: dayFr(0), protector_agreement: '', ...over };
		return [...domains.map((d) => ['domains', d]), ...Object.entries(f)];
	}

	const createMandate = (login, person, domains, over) => post(login, `/personnes/${person}/mandats`, mandateForm(domains, over));

	async function createMandateOk(login, person, domains, over, what) {
		return located(await createMandate(login, person, domains, over), /^\/mandats\/(\d+)$/, what)[0];
	}

	const procedures = (person) => count(`SELECT count(*) FROM procedures WHERE person_id = ${person}`);
	const mandates = (person) => count(`SELECT count(*) FROM mandates WHERE person_id = ${person}`);
	const acts = (person) => count(`SELECT count(*) FROM mandate_acts WHERE person_id = ${person}`);

	/* The visible text of the section whose heading has this id. */
	function section(html, id) {
		const at = html.indexOf(`id="${id}"`);
		if (at < 0)
			fail(`no section "${id}" on the page — ${short(textOf(html), 300)}`);
		const end = html.indexOf('</section>', at);
		return html.slice(at, end < 0 ? undefined : end);
	}

	/* The form fields of a démarche as stored, for an update. */
	async function procedureEdit(login, id) {
		const page = await get(login, `/demarches/${id}`);
		status(page, 200, `GET /demarches/${id}`);
		const hidden = hiddenFields(page.body, `/demarches/${id}`);
		const row = JSON.parse(run('sqlite3', ['-json', DB, `SELECT organism, domain, subject, status, how, opened_on, submitted_on, answer_due_on, renewal_on, notes FROM procedures WHERE id = ${id}`]).stdout)[0];
		const d = (iso) => (iso ? fr(iso) : '');
		return {
			version: hidden.version, organism: row.organism, domain: row.domain, subject: row.subject, status: row.status,
			way: row.how, opened_on: d(row.opened_on), submitted_on: d(row.submitted_on), answer_due_on: d(row.answer_due_on),
			renewal_on: d(row.renewal_on), notes: row.notes,
		};
	}

	/* ------------------------------------------------------------------ */
	/* Setup                                                               */

	test('procedures: setup — four accounts of two structures (one with a second factor), five files', async () => {
		for (const [s, l, n, r, extra] of USERS)
			lienOk('user', 'add', '--db', DB, '--structure', s, '--login', l, '--name', n, '--role', r, '--password', PW, ...extra);
		resetThrottle();
		for (const [, l, , , extra] of USERS) {
			const c = new Client(h.main);
			if (extra.includes('--mandate'))
				await enrolTotp(c, l);
			else
				await loginOk(c, l);
			const home = await c.get('/');
			status(home, 200, `home of ${l}`);
			U[l] = { id: Number(one(`SELECT id FROM users WHERE login = '${l}'`)), client: c, csrf: csrfOf(home.body) };
		}
		eq(one(`SELECT totp_enabled FROM users WHERE login = 'd.ts'`), '1', 'd.ts has a second factor');
		P.A = await createPerson('d.ts', { birth_name: 'Démarchette', first_names: 'Aline' });
		P.M = await createPerson('d.ts', { birth_name: 'Mandaté', first_names: 'Marc' });
		P.E = await createPerson('d.ts', { birth_name: 'Expiré', first_names: 'Émile' });
		P.X = await createPerson('d.ts', { birth_name: 'Durées', first_names: 'Xavier' });
		P.T = await createPerson('d.ts', { birth_name: 'Protégé', first_names: 'Thomas', protection: 'tutelle',
			protector_contact: 'UDAF du Nord, 03 20 00 00 00' });
		eq(one(`SELECT protection FROM persons WHERE id = ${P.T}`), 'tutelle', 'protection measure stored');
	});

	/* ------------------------------------------------------------------ */
	/* Démarches                                                           */

	test('procedures: create a démarche (dates JJ/MM/AAAA, checklist) → 303 /demarches/N; page and file list it', async () => {
		const p = need(P, 'A');
		const form = await get('d.ts', `/personnes/${p}/demarches/nouvelle`);
		status(form, 200, 'new démarche form');
		for (const f of ['organism', 'domain', 'subject', 'status', 'way', 'opened_on', 'submitted_on', 'answer_due_on', 'renewal_on', 'checklist', 'notes'])
			has(form.body, `name="${f}"`, `form field ${f}`);
		hasNot(form.body, 'name="password"', 'no password field');
		const opened = dayFr(-10), submitted = dayFr(-3), due = dayFr(7), renewal = dayFr(200);
		const before = procedures(p);
		O.D = await createProcedureOk('d.ts', p, {
			organism: 'caf', domain: 'logement', subject: 'Demande d’aide au logement (APL)', status: 'deposee', way: 'avec',
			opened_on: opened, submitted_on: submitted, answer_due_on: due, renewal_on: renewal,
			notes: 'Dossier déposé en ligne avec la personne.', checklist: 'Avis d’imposition\r\nQuittance de loyer\n\n  RIB  \n',
		}, 'create a démarche');
		eq(procedures(p), before + 1, 'démarches of the file');
		eq(one(`SELECT organism || '|' || domain || '|' || status || '|' || how || '|' || opened_on || '|' || submitted_on || '|' || answer_due_on || '|' || renewal_on || '|' || version FROM procedures WHERE id = ${O.D}`),
		   `caf|logement|deposee|avec|${isoDay(-10)}|${isoDay(-3)}|${isoDay(7)}|${isoDay(200)}|1`, 'stored démarche (ISO dates)');
		eq(one(`SELECT group_concat(label, '|') FROM (SELECT label FROM procedure_checklist WHERE procedure_id = ${O.D} ORDER BY id) AS t`),
		   'Avis d’imposition|Quittance de loyer|RIB', 'checklist: one line each, blank lines dropped, trimmed');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'procedure.add' AND object_id = ${p} AND user_id = ${U['d.ts'].id}`), 1, 'procedure.add audited');
		const page = await get('d.ts', `/demarches/${O.D}`);
		status(page, 200, 'démarche page');
		const text = unescapeHtml(page.body);
		for (const s of ['Demande d’aide au logement (APL)', 'CAF', 'Logement', 'Déposée', opened, submitted, due, renewal,
				 'Avis d’imposition', 'Quittance de loyer', 'RIB', 'Daphné Mandataire'])
			has(text, s, 'démarche page');
		const file = await get('d.ts', `/personnes/${p}`);
		status(file, 200, 'file page');
		const list = section(file.body, 'demarches');
		has(list, `href="/demarches/${O.D}"`, 'the file lists the démarche');
		has(unescapeHtml(list), 'Demande d’aide au logement (APL)', 'subject on the file');
	});

	test('procedures: home page "Échéances" lists an answer due within 15 days for the worker who follows the file, not later ones', async () => {
		const p = need(P, 'A'), d = need(O, 'D');
		const later = await createProcedureOk('d.ts', p, { organism: 'cpam', domain: 'social_sante', subject: 'Complémentaire santé solidaire',
			status: 'en_attente', answer_due_on: dayFr(40) }, 'a démarche answered in 40 days');
		const home = await get('d.ts', '/');
		status(home, 200, 'home page');
		const due = section(home.body, 'echeances');
		has(due, `href="/demarches/${d}"`, 'Échéances: the démarche due in 7 days');
		has(due, dayFr(7), 'Échéances: its date');
		hasNot(due, `href="/demarches/${later}"`, 'Échéances: a démarche due in 40 days');
		/* The three kinds of reminder come from separate queries: one list, by date. */
		const renew = await createProcedureOk('d.ts', p, { organism: 'caf', domain: 'logement', subject: 'Aide au logement à renouveler',
			status: 'accordee', renewal_on: dayFr(3) }, 'a démarche to renew in 3 days');
		const late = await createProcedureOk('d.ts', p, { organism: 'cpam', domain: 'social_sante', subject: 'Réponse en retard',
			status: 'en_attente', opened_on: dayFr(-10), answer_due_on: dayFr(-2) }, 'an answer due 2 days ago');
		const sorted = section((await get('d.ts', '/')).body, 'echeances');
		const at = (id) => sorted.indexOf(`href="/demarches/${id}"`);
		assert(at(late) >= 0 && at(late) < at(renew) && at(renew) < at(d),
			`Échéances by date: 2 days late, renewal in 3 days, answer in 7 days (positions ${at(late)}, ${at(renew)}, ${at(d)})`);
		has(sorted, '(dépassée)', 'Échéances: the late answer is marked');
		/* A colleague who neither created the démarche nor follows the file. */
		const other = await get('d.ts2', '/');
		status(other, 200, 'home page of a colleague');
		hasNot(section(other.body, 'echeances'), `href="/demarches/${d}"`, 'Échéances of a colleague who does not follow the file');
	});

	test('procedures: checklist — POST /demarches/N/pieces ticks the ids sent, unticks the others, adds nouvelle_piece', async () => {
		const d = need(O, 'D');
		const ids = one(`SELECT group_concat(id) FROM (SELECT id FROM procedure_checklist WHERE procedure_id = ${d} ORDER BY id) AS t`).split(',');
		eq(ids.length, 3, 'checklist items');
		const r = await post('d.ts', `/demarches/${d}/pieces`, [['piece', ids[0]], ['piece', ids[2]], ['nouvelle_piece', 'Carte Vitale']]);
		redirect(r, `/demarches/${d}#pieces`, 'POST pieces');
		eq(one(`SELECT group_concat(label || '=' || done, '|') FROM (SELECT label, done FROM procedure_checklist WHERE procedure_id = ${d} ORDER BY id) AS t`),
		   'Avis d’imposition=1|Quittance de loyer=0|RIB=1|Carte Vitale=0', 'checklist after ticking');
		const page = await get('d.ts', `/demarches/${d}`);
		has(page.body, `id="piece-${ids[0]}" name="piece" type="checkbox" value="${ids[0]}" checked`, 'a ticked item');
		hasNot(page.body, `value="${ids[1]}" checked`, 'an item not ticked');
		/* Sending only the first: the others are unticked. */
		redirect(await post('d.ts', `/demarches/${d}/pieces`, [['piece', ids[0]], ['nouvelle_piece', '']]), `/demarches/${d}#pieces`, 'POST pieces again');
		eq(count(`SELECT count(*) FROM procedure_checklist WHERE procedure_id = ${d} AND done = 1`), 1, 'ticked items');
		eq(count(`SELECT count(*) FROM procedure_checklist WHERE procedure_id = ${d}`), 4, 'an empty nouvelle_piece adds nothing');
		/* An id of another démarche is not touched. */
		const otherItem = one(`SELECT id FROM procedure_checklist WHERE procedure_id <> ${d} LIMIT 1`);
		if (otherItem) {
			const was = one(`SELECT done FROM procedure_checklist WHERE id = ${otherItem}`);
			await post('d.ts', `/demarches/${d}/pieces`, [['piece', ids[0]], ['piece', otherItem]]);
			eq(one(`SELECT done FROM procedure_checklist WHERE id = ${otherItem}`), was, 'an item of another démarche');
		}
		const long = await post('d.ts', `/demarches/${d}/pieces`, [['piece', ids[0]], ['nouvelle_piece', 'x'.repeat(151)]]);
		status(long, 422, 'a document name of 151 characters');
		fieldError(long, 'nouvelle_piece', '150 caractères', 'long document name');
	});

	test('procedures: the summary /personnes/P/synthese shows "Vos démarches en cours" and the documents not brought yet', async () => {
		const p = need(P, 'A');
		const r = await get('d.ts', `/personnes/${p}/synthese`);
		status(r, 200, 'summary');
		const text = unescapeHtml(r.body);
		has(text, 'Vos démarches en cours', 'summary heading');
		const at = text.indexOf('Vos démarches en cours');
		const progress = text.slice(at, text.indexOf('</p>', at));
		has(progress, 'Demande d’aide au logement (APL) (CAF) : Déposée', 'the open démarche');
		has(progress, 'À apporter : Quittance de loyer, RIB, Carte Vitale.', 'the documents not brought');
		hasNot(progress, 'Avis d’imposition', 'a document already brought');
	});

	test('procedures: bad input — impossible date, renewal before opening, unknown domain or organism → 422, nothing stored', async () => {
		const p = need(P, 'A');
		const before = procedures(p), items = count('SELECT count(*) FROM procedure_checklist');
		const feb = await createProcedure('d.ts', p, { subject: 'Date impossible', answer_due_on: '31/02/2026', checklist: 'RIB' });
		status(feb, 422, 'answer due 31/02/2026');
		fieldError(feb, 'answer_due_on', 'Date impossible', '31/02/2026');
		has(feb.body, 'value="31/02/2026"', 'the typed date is kept');
		has(feb.body, 'value="Date impossible"', 'the subject is kept');
		const renewal = await createProcedure('d.ts', p, { subject: 'Renouvellement', opened_on: '10/01/2026', renewal_on: '05/01/2026' });
		status(renewal, 422, 'renewal before opening');
		fieldError(renewal, 'renewal_on', 'Le renouvellement doit venir après l\'ouverture de la démarche.', 'renewal before opening');
		const domain = await createProcedure('d.ts', p, { subject: 'Domaine', domain: 'mots_de_passe' });
		status(domain, 422, 'unknown domain');
		fieldError(domain, 'domain', 'Choisissez le domaine', 'unknown domain');
		noFieldError(domain, 'organism', 'unknown domain');
		const org = await createProcedure('d.ts', p, { subject: 'Organisme', organism: 'nsa' });
		status(org, 422, 'unknown organism');
		fieldError(org, 'organism', "Choisissez l'organisme", 'unknown organism');
		const submitted = await createProcedure('d.ts', p, { subject: 'Dépôt futur', submitted_on: dayFr(5) });
		status(submitted, 422, 'submitted in the future');
		fieldError(submitted, 'submitted_on', 'futur', 'submitted in the future');
		const way = await createProcedure('d.ts', p, { subject: 'Qui', way: 'par_telepathie' });
		status(way, 422, 'unknown way');
		fieldError(way, 'way', 'Indiquez qui fait la démarche', 'unknown way');
		eq(procedures(p), before, 'démarches stored by refused forms');
		eq(count('SELECT count(*) FROM procedure_checklist'), items, 'checklist items stored by refused forms');
	});

	test('procedures: optimistic locking — an update with an old version → 409, the page says someone modified it', async () => {
		const d = need(O, 'D');
		const f = await procedureEdit('d.ts', d);
		const first = await post('d.ts', `/demarches/${d}`, { ...f, subject: 'APL : dossier complété' });
		redirect(first, `/demarches/${d}`, 'first update');
		eq(one(`SELECT subject || '|' || version FROM procedures WHERE id = ${d}`), `APL : dossier complété|${Number(f.version) + 1}`, 'after the first update');
		const stale = await post('d.ts2', `/demarches/${d}`, { ...f, subject: 'Changement perdu' });
		status(stale, 409, 'update with the old version');
		has(unescapeHtml(stale.body), 'Quelqu\'un a modifié cette démarche', 'conflict message');
		has(unescapeHtml(stale.body), 'APL : dossier complété', 'the stored version is shown');
		eq(one(`SELECT subject FROM procedures WHERE id = ${d}`), 'APL : dossier complété', 'the stale update changed nothing');
		status(await post('d.ts', `/demarches/${d}`, { ...f, version: '' }), 400, 'update without a version');
		/* A refused update keeps the version. */
		const bad = await post('d.ts', `/demarches/${d}`, { ...f, version: String(Number(f.version) + 1), renewal_on: '01/01/2000' });
		status(bad, 422, 'update with a renewal before opening');
		eq(one(`SELECT version FROM procedures WHERE id = ${d}`), String(Number(f.version) + 1), 'version after a refused update');
	});

	/* ------------------------------------------------------------------ */
	/* Mandates                                                            */

	test('procedures: a worker without second factor is sent to /compte/double-authentification for mandates', async () => {
		const p = need(P, 'M');
		redirect(await get('d.ts2', `/personnes/${p}/mandats/nouveau`), '/compte/double-authentification', 'GET new mandate without second factor');
		const before = mandates(p);
		redirect(await createMandate('d.ts2', p, ['logement']), '/compte/double-authentification', 'POST mandate without second factor');
		eq(mandates(p), before, 'mandates stored without a second factor');
		const form = await get('d.ts', `/personnes/${p}/mandats/nouveau`);
		status(form, 200, 'new mandate form with a second factor');
		for (const v of ['papiers', 'logement', 'argent', 'justice', 'loisirs'])
			has(form.body, `name="domains" type="checkbox" value="${v}"`, `domain checkbox ${v}`);
		for (const v of ['1j', '1m', '6m', '1a'])
			has(form.body, `name="duration" type="radio" value="${v}"`, `duration ${v}`);
		hasNot(form.body, 'name="protector_agreement"', 'no protector field for a person without protection');
	});

	test('procedures: "in the person\'s place" without a mandate → 422 "Aucun mandat actif", nothing stored', async () => {
		const p = need(P, 'M');
		const before = procedures(p), actsBefore = acts(p);
		const r = await createProcedure('d.ts', p, { domain: 'logement', subject: 'Sans mandat', way: 'a_la_place' });
		status(r, 422, 'a_la_place without mandate');
		fieldError(r, 'way', 'Aucun mandat actif', 'a_la_place without mandate');
		eq(procedures(p), before, 'démarches stored');
		eq(acts(p), actsBefore, 'acts stored');
	});

	test('procedures: create a mandate (domains, 1 an, consent) → 303 /mandats/M; page, file, audit', async () => {
		const p = need(P, 'M');
		O.M = await createMandateOk('d.ts', p, ['logement', 'social_sante'], {}, 'create a mandate');
		/* A year from today, less a day. */
		const [y, mo, d] = isoDay(0).split('-').map(Number);
		const end = new Date(Date.UTC(y + 1, mo - 1, d) - 86400000).toISOString().slice(0, 10);
		const sid = one(`SELECT structure_id FROM users WHERE login = 'd.ts'`);
		eq(one(`SELECT domains || '|' || duration || '|' || starts_on || '|' || ends_on || '|' || consent_on || '|' || protector_agreement || '|' || CASE WHEN revoked_at IS NULL THEN 1 ELSE 0 END || '|' || structure_id FROM mandates WHERE id = ${O.M}`),
		   `social_sante,logement|1a|${isoDay(0)}|${end}|${isoDay(0)}||1|${sid}`, 'stored mandate (domains in canonical order)');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'mandate.add' AND object_id = ${p}`), 1, 'mandate.add audited');
		const page = await get('d.ts', `/mandats/${O.M}`);
		status(page, 200, 'mandate page');
		has(page.body, 'En vigueur', 'state');
		has(unescapeHtml(page.body), 'Social et santé ; Logement', 'domains');
		has(page.body, `action="/mandats/${O.M}/revoquer"`, 'revocation form');
		const file = await get('d.ts', `/personnes/${p}`);
		has(section(file.body, 'mandats'), `href="/mandats/${O.M}"`, 'the file lists the mandate');
	});

	test('procedures: mandate durations — 1a from 01/12 ends on 30/11 next year; 1j the same day; 6m and 1m', async () => {
		const p = need(P, 'X');
		const y = YEAR + 1;
		const cases = [
			['1a', `01/12/${y}`, `${y + 1}-11-30`],
			['1j', `01/12/${y}`, `${y}-12-01`],
			['6m', `01/01/${y + 1}`, `${y + 1}-06-30`],
			['1m', `15/03/${y + 1}`, `${y + 1}-04-14`],
			['1m', `31/01/${y + 1}`, `${y + 1}-02-${(y + 1) % 4 === 0 ? '28' : '27'}`],
		];
		for (const [duration, start, end] of cases) {
			const id = await createMandateOk('d.ts', p, ['papiers'], { duration, starts_on: start }, `mandate ${duration} from ${start}`);
			eq(one(`SELECT starts_on || '|' || ends_on FROM mandates WHERE id = ${id}`), `${start.split('/').reverse().join('-')}|${end}`,
			   `mandate ${duration} from ${start}`);
			const page = await get('d.ts', `/mandats/${id}`);
			has(page.body, 'À venir', `state of a mandate starting ${start}`);
		}
	});

	test('procedures: mandate refused — 2a, no domain, unknown domain, consent in the future, start before today → 422, nothing stored', async () => {
		const p = need(P, 'X');
		const before = mandates(p);
		const long = await createMandate('d.ts', p, ['papiers'], { duration: '2a' });
		status(long, 422, 'duration 2a');
		fieldError(long, 'duration', 'La durée d\'un mandat est d\'un jour, un mois, six mois ou un an.', 'duration 2a');
		const none = await createMandate('d.ts', p, []);
		status(none, 422, 'no domain');
		fieldError(none, 'domains', 'Cochez au moins un domaine', 'no domain');
		const unknown = await createMandate('d.ts', p, ['papiers', 'comptes_bancaires_en_ligne']);
		status(unknown, 422, 'unknown domain');
		fieldError(unknown, 'domains', 'Domaine inconnu', 'unknown domain');
		const future = await createMandate('d.ts', p, ['papiers'], { consent_on: dayFr(2) });
		status(future, 422, 'consent in the future');
		fieldError(future, 'consent_on', 'futur', 'consent in the future');
		const noConsent = await createMandate('d.ts', p, ['papiers'], { consent_on: '' });
		status(noConsent, 422, 'no consent date');
		fieldError(noConsent, 'consent_on', 'signé', 'no consent date');
		const past = await createMandate('d.ts', p, ['papiers'], { starts_on: dayFr(-2), consent_on: dayFr(-3) });
		status(past, 422, 'start before today');
		fieldError(past, 'starts_on', 'avant aujourd\'hui', 'start before today');
		const bad = await createMandate('d.ts', p, ['papiers'], { starts_on: '30/02/2027' });
		status(bad, 422, 'impossible start date');
		fieldError(bad, 'starts_on', 'impossible', 'impossible start date');
		eq(mandates(p), before, 'mandates stored by refused forms');
	});

	test('procedures: a person under a protection measure — the mandate needs the protector\'s agreement', async () => {
		const p = need(P, 'T');
		const form = await get('d.ts', `/personnes/${p}/mandats/nouveau`);
		status(form, 200, 'new mandate form');
		has(form.body, 'name="protector_agreement"', 'protector field for a protected person');
		const r = await createMandate('d.ts', p, ['argent']);
		status(r, 422, 'no protector agreement');
		fieldError(r, 'protector_agreement', 'mesure de protection', 'no protector agreement');
		eq(mandates(p), 0, 'mandates stored without the agreement');
		const id = await createMandateOk('d.ts', p, ['argent'], { protector_agreement: `UDAF du Nord, accord du ${dayFr(0)}` }, 'with the agreement');
		eq(one(`SELECT protector_agreement FROM mandates WHERE id = ${id}`), `UDAF du Nord, accord du ${dayFr(0)}`, 'stored agreement');
		has(unescapeHtml((await get('d.ts', `/mandats/${id}/attestation`)).body), 'UDAF du Nord', 'agreement on the attestation');
	});

	test('procedures: attestation — the person\'s name, the domains, what is out of scope, how to stop it', async () => {
		const m = need(O, 'M');
		const r = await get('d.ts', `/mandats/${m}/attestation`);
		status(r, 200, 'attestation');
		const text = unescapeHtml(r.body);
		for (const s of ['Marc', 'MANDATÉ', 'Logement', 'Social et santé', STRUCT_A, 'arrêter ce mandat', 'mots de passe', dayFr(0), 'Daphné Mandataire'])
			has(text, s, 'attestation');
		const out = /Agir dans les autres domaines : ([^<]*)\./.exec(text);
		assert(out, 'the attestation lists the domains out of scope');
		has(out[1], 'Justice', 'a domain out of scope');
		hasNot(out[1], 'Logement', 'a domain in scope listed as out of scope');
		assert(count(`SELECT count(*) FROM audit_log WHERE action = 'mandate.print' AND user_id = ${U['d.ts'].id}`) > 0, 'mandate.print audited');
	});

	/* ------------------------------------------------------------------ */
	/* Acting in the person's place                                        */

	test('procedures: in the person\'s place, a worker without second factor is refused even under a mandate', async () => {
		const p = need(P, 'M');
		need(O, 'M');
		const before = procedures(p);
		const r = await createProcedure('d.ts2', p, { domain: 'logement', subject: 'Sans double authentification', way: 'a_la_place' });
		status(r, 422, 'a_la_place without second factor');
		fieldError(r, 'way', 'double authentification', 'a_la_place without second factor');
		eq(procedures(p), before, 'démarches stored');
	});

	test('procedures: in the person\'s place outside the mandate\'s domains → 422', async () => {
		const p = need(P, 'M');
		need(O, 'M');
		const before = procedures(p);
		const r = await createProcedure('d.ts', p, { domain: 'travail', organism: 'france_travail', subject: 'Hors mandat', way: 'a_la_place' });
		status(r, 422, 'a_la_place outside the domains');
		fieldError(r, 'way', 'Aucun mandat actif ne couvre le domaine « Travail et formation »', 'outside the domains');
		eq(procedures(p), before, 'démarches stored');
	});

	test('procedures: in the person\'s place under a covering mandate with a second factor → 303, act recorded and sealed', async () => {
		const p = need(P, 'M'), m = need(O, 'M');
		const before = acts(p);
		O.L = await createProcedureOk('d.ts', p, { organism: 'bailleur', domain: 'logement', subject: 'Demande de logement social',
			status: 'en_cours', way: 'a_la_place' }, 'a_la_place with a mandate');
		eq(acts(p), before + 1, 'acts under mandate');
		const act = JSON.parse(run('sqlite3', ['-json', DB, `SELECT id, mandate_id, procedure_id, user_id, what FROM mandate_acts WHERE procedure_id = ${O.L}`]).stdout)[0];
		eq(act.mandate_id, m, 'the act names the mandate');
		eq(act.user_id, U['d.ts'].id, 'the act names the worker');
		has(act.what, 'Demande de logement social', 'what was done');
		O.act = act.id;
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'mandate.act' AND object_type = 'mandate_act' AND object_id = ${act.id} AND detail LIKE '%sha256 %'`), 1,
		   'audit row mandate.act with the digest');
		/* Another act by hand, then a change of status: each is an act. */
		redirect(await post('d.ts', `/demarches/${O.L}/actes`, { what: 'Envoi du formulaire en ligne au bailleur' }), `/demarches/${O.L}#actes`, 'POST actes');
		const what = await post('d.ts', `/demarches/${O.L}/actes`, { what: 'x' });
		status(what, 422, 'an act of one character');
		const f = await procedureEdit('d.ts', O.L);
		redirect(await post('d.ts', `/demarches/${O.L}`, { ...f, status: 'deposee', submitted_on: dayFr(0) }), `/demarches/${O.L}`, 'status change in the person\'s place');
		eq(acts(p), before + 3, 'acts after a hand-written act and a change of status');
		has(one(`SELECT what FROM mandate_acts WHERE procedure_id = ${O.L} ORDER BY id DESC LIMIT 1`), 'En cours → Déposée', 'the change of status is an act');
		const page = await get('d.ts', `/demarches/${O.L}`);
		status(page, 200, 'démarche page');
		const actes = unescapeHtml(section(page.body, 'actes'));
		has(actes, 'Envoi du formulaire en ligne au bailleur', 'the act on the démarche page');
		has(actes, 'Daphné Mandataire', 'the worker on the démarche page');
		/* The worker without second factor cannot add an act. */
		const no = await post('d.ts2', `/demarches/${O.L}/actes`, { what: 'Appel au bailleur' });
		status(no, 422, 'act by a worker without second factor');
		eq(acts(p), before + 3, 'acts after a refused act');
	});

	test('procedures: GET /personnes/P/actes-sous-mandat lists every act, printable', async () => {
		const p = need(P, 'M');
		need(O, 'L');
		const r = await get('d.ts', `/personnes/${p}/actes-sous-mandat`);
		status(r, 200, 'acts page');
		const text = unescapeHtml(r.body);
		has(text, 'Ce que nous avons fait en votre nom', 'title');
		has(text, 'Marc', 'the person');
		const rows = [...r.body.matchAll(/<tr><td>/g)].length;
		eq(rows, acts(p), 'one row per act');
		for (const s of ['Demande de logement social', 'Envoi du formulaire en ligne au bailleur', 'En cours → Déposée', 'Daphné Mandataire'])
			has(text, s, 'acts page');
		assert(count(`SELECT count(*) FROM audit_log WHERE action = 'mandate.print_acts' AND object_id = ${p}`) > 0, 'mandate.print_acts audited');
		const empty = await get('d.ts', `/personnes/${need(P, 'A')}/actes-sous-mandat`);
		status(empty, 200, 'acts page of a file without act');
		has(unescapeHtml(empty.body), 'Rien n\'a été fait à votre place.', 'no act');
	});

	test('procedures: the record of acts is append-only; a changed act is named by lien audit verify', async () => {
		const id = need(O, 'act');
		const upd = run('sqlite3', ['-batch', '-cmd', '.timeout 5000', DB, `UPDATE mandate_acts SET what = 'x' WHERE id = ${id}`]);
		assert(upd.code !== 0, 'UPDATE mandate_acts succeeded');
		has(upd.stderr, 'append-only', 'UPDATE refused by the trigger');
		const del = run('sqlite3', ['-batch', '-cmd', '.timeout 5000', DB, `DELETE FROM mandate_acts WHERE id = ${id}`]);
		assert(del.code !== 0, 'DELETE FROM mandate_acts succeeded');
		has(del.stderr, 'append-only', 'DELETE refused by the trigger');
		assert(one(`SELECT what FROM mandate_acts WHERE id = ${id}`).includes('Demande de logement social'), 'the act is unchanged');
		/* Tampering on a copy (the run's own database must stay valid). */
		const key = DB.replace(/\.db$/, '.key');
		const clean = path.join(dir, 'acts-clean.db');
		sql(DB, `VACUUM INTO '${clean}'`);
		const ok = lien('audit', 'verify', '--db', clean, '--key', key);
		eq(ok.code, 0, `verify of an untouched copy (${ok.stderr.trim()})`);
		const copy = path.join(dir, 'acts-tampered.db');
		sql(DB, `VACUUM INTO '${copy}'`);
		sql(copy, `DROP TRIGGER mandate_acts_no_update; UPDATE mandate_acts SET what = 'falsifié' WHERE id = ${id}`);
		const bad = lien('audit', 'verify', '--db', copy, '--key', key);
		assert(bad.code !== 0, `lien audit verify exits 0 after an act was changed: ${bad.stdout.trim()}`);
		has(bad.stderr, `acte sous mandat ${id}`, 'the changed act is named');
		has(bad.stderr, 'modifié', 'message');
		/* An act inserted by hand has no seal. */
		const forged = path.join(dir, 'acts-forged.db');
		sql(DB, `VACUUM INTO '${forged}'`);
		sql(forged, `INSERT INTO mandate_acts (structure_id, person_id, mandate_id, procedure_id, user_id, at, what) SELECT structure_id, person_id, mandate_id, procedure_id, user_id, at + 1, 'Acte inventé' FROM mandate_acts WHERE id = ${id}`);
		const forgedId = sql(forged, 'SELECT max(id) FROM mandate_acts');
		const f = lien('audit', 'verify', '--db', forged, '--key', key);
		assert(f.code !== 0, `lien audit verify exits 0 after an act was inserted by hand: ${f.stdout.trim()}`);
		has(f.stderr, `acte sous mandat ${forgedId}`, 'the inserted act is named');
	});

	test('procedures: revoke one domain → 303 to the revocation attestation; the other domain stays in force', async () => {
		const p = need(P, 'M'), m = need(O, 'M'), l = need(O, 'L');
		redirect(await post('d.ts2', `/mandats/${m}/revoquer`, { domain: 'logement', reason: '' }), '/compte/double-authentification',
			 'revocation without second factor');
		const notIn = await post('d.ts', `/mandats/${m}/revoquer`, { domain: 'justice', reason: '' });
		status(notIn, 422, 'revoking a domain not covered');
		fieldError(notIn, 'domain', 'pas couvert', 'domain not covered');
		const [mm, rid] = located(await post('d.ts', `/mandats/${m}/revoquer`, { domain: 'logement', reason: 'La personne préfère le faire elle-même' }),
			/^\/mandats\/(\d+)\/revocations\/(\d+)$/, 'revoke logement');
		eq(mm, m, 'revocation of the right mandate');
		eq(one(`SELECT domains || '|' || CASE WHEN revoked_at IS NULL THEN 1 ELSE 0 END FROM mandates WHERE id = ${m}`), 'social_sante|1', 'the mandate keeps its other domain');
		eq(one(`SELECT domain || '|' || reason FROM mandate_revocations WHERE id = ${rid}`), 'logement|La personne préfère le faire elle-même', 'revocation row');
		const att = await get('d.ts', `/mandats/${m}/revocations/${rid}`);
		status(att, 200, 'revocation attestation');
		const text = unescapeHtml(att.body);
		for (const s of ['Marc', 'Logement', 'Social et santé', 'La personne préfère le faire elle-même', 'Daphné Mandataire'])
			has(text, s, 'revocation attestation');
		const page = await get('d.ts', `/mandats/${m}`);
		has(page.body, 'En vigueur', 'state after a partial revocation');
		/* Logement is no longer covered: nothing more in the person's place. */
		const actsBefore = acts(p), before = procedures(p);
		const r = await createProcedure('d.ts', p, { domain: 'logement', subject: 'Après révocation', way: 'a_la_place' });
		status(r, 422, 'a_la_place in a revoked domain');
		fieldError(r, 'way', 'Aucun mandat actif', 'revoked domain');
		const f = await procedureEdit('d.ts', l);
		const upd = await post('d.ts', `/demarches/${l}`, { ...f, status: 'en_attente' });
		status(upd, 422, 'update of a démarche in the person\'s place after revocation');
		status(await post('d.ts', `/demarches/${l}/actes`, { what: 'Relance du bailleur' }), 422, 'act after revocation');
		eq(acts(p), actsBefore, 'acts after revocation');
		eq(procedures(p), before, 'démarches after revocation');
		/* The domain still covered. */
		O.S = await createProcedureOk('d.ts', p, { organism: 'cpam', domain: 'social_sante', subject: 'Carte Vitale perdue', way: 'a_la_place' },
			'a_la_place in the domain still covered');
		eq(acts(p), actsBefore + 1, 'act in the domain still covered');
	});

	test('procedures: revoke the whole mandate → state "Révoqué", attestation; nothing more in the person\'s place', async () => {
		const p = need(P, 'M'), m = need(O, 'M');
		const [, rid] = located(await post('d.ts', `/mandats/${m}/revoquer`, { domain: '', reason: '' }),
			/^\/mandats\/(\d+)\/revocations\/(\d+)$/, 'revoke the whole mandate');
		assert(one(`SELECT revoked_at FROM mandates WHERE id = ${m}`) !== '', 'revoked_at set');
		eq(one(`SELECT domain FROM mandate_revocations WHERE id = ${rid}`), '', 'revocation of the whole mandate');
		const page = await get('d.ts', `/mandats/${m}`);
		status(page, 200, 'mandate page');
		has(page.body, 'Révoqué', 'state');
		hasNot(page.body, `action="/mandats/${m}/revoquer"`, 'no revocation form on a revoked mandate');
		const att = await get('d.ts', `/mandats/${m}/revocations/${rid}`);
		status(att, 200, 'revocation attestation');
		has(unescapeHtml(att.body), 'a mis fin au mandat', 'whole revocation wording');
		const again = await post('d.ts', `/mandats/${m}/revoquer`, { domain: '', reason: '' });
		status(again, 422, 'revoking a revoked mandate');
		fieldError(again, 'domain', 'plus en vigueur', 'revoked mandate');
		status(await get('d.ts', `/mandats/${m}/revocations/${rid + 1000}`), 404, 'an unknown revocation');
		const before = procedures(p);
		const r = await createProcedure('d.ts', p, { domain: 'social_sante', subject: 'Après révocation totale', way: 'a_la_place' });
		status(r, 422, 'a_la_place after the whole revocation');
		fieldError(r, 'way', 'Aucun mandat actif', 'whole revocation');
		eq(procedures(p), before, 'démarches stored');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'mandate.revoke' AND object_id = ${p}`), 2, 'mandate.revoke audited twice');
	});

	test('procedures: an expired mandate no longer allows acting in the person\'s place', async () => {
		const p = need(P, 'E');
		const m = await createMandateOk('d.ts', p, ['argent'], {}, 'mandate for the expiry');
		await createProcedureOk('d.ts', p, { organism: 'banque', domain: 'argent', subject: 'Droit au compte', way: 'a_la_place' }, 'under the mandate in force');
		sql(DB, `UPDATE mandates SET starts_on = '${isoDay(-40)}', ends_on = '${isoDay(-1)}' WHERE id = ${m}`);
		const before = procedures(p), actsBefore = acts(p);
		const r = await createProcedure('d.ts', p, { organism: 'banque', domain: 'argent', subject: 'Après expiration', way: 'a_la_place' });
		status(r, 422, 'a_la_place under an expired mandate');
		fieldError(r, 'way', 'Aucun mandat actif', 'expired mandate');
		eq(procedures(p), before, 'démarches stored');
		eq(acts(p), actsBefore, 'acts stored');
		const page = await get('d.ts', `/mandats/${m}`);
		has(page.body, 'Expiré', 'state of the expired mandate');
		hasNot(page.body, `action="/mandats/${m}/revoquer"`, 'no revocation form on an expired mandate');
		/* With the person at the keyboard, the démarche is still possible. */
		await createProcedureOk('d.ts', p, { organism: 'banque', domain: 'argent', subject: 'Avec la personne', way: 'avec' }, 'way avec');
	});

	test('procedures: a mandate ending today appears in the reminders of the home page', async () => {
		const p = need(P, 'X');
		const m = await createMandateOk('d.ts', p, ['loisirs'], { duration: '1j' }, 'one-day mandate');
		eq(one(`SELECT starts_on || '|' || ends_on FROM mandates WHERE id = ${m}`), `${isoDay(0)}|${isoDay(0)}`, 'one-day mandate dates');
		const due = section((await get('d.ts', '/')).body, 'echeances');
		has(due, `href="/mandats/${m}"`, 'the mandate ending today');
	});

	/* ------------------------------------------------------------------ */
	/* Financial aid                                                       */

	const AID = {
		kind: 'energie', purpose: 'Facture d’électricité de janvier', amount_asked: '150,50', status: 'instruction',
		commission_on: '', decision_on: '', amount_granted: '', payment: '', refusal_reason: '',
	};

	async function aidEdit(id) {
		const page = await get('d.ts', `/aides/${id}`);
		status(page, 200, `GET /aides/${id}`);
		return hiddenFields(page.body, `/aides/${id}`).version;
	}

	test('procedures: aid request — create with "150,50" → /aides/A; amount stored in cents and shown in euros', async () => {
		const p = need(P, 'A');
		const form = await get('d.ts', `/personnes/${p}/aides/nouvelle`);
		status(form, 200, 'new aid form');
		O.A = located(await post('d.ts', `/personnes/${p}/aides`, AID), /^\/aides\/(\d+)$/, 'create an aid request')[0];
		eq(one(`SELECT kind || '|' || amount_asked || '|' || amount_granted || '|' || status || '|' || version FROM aid_requests WHERE id = ${O.A}`),
		   'energie|15050|0|instruction|1', 'stored aid request');
		const page = await get('d.ts', `/aides/${O.A}`);
		status(page, 200, 'aid page');
		has(page.body, '150,50\u00a0€', 'amount asked with a non-breaking space');
		hasNot(page.body, `href="/aides/${O.A}/decision"`, 'no letter link before a decision');
		has(section((await get('d.ts', `/personnes/${p}`)).body, 'aides'), `href="/aides/${O.A}"`, 'the file lists the aid request');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'aid.add' AND object_id = ${p}`), 1, 'aid.add audited');
	});

	test('procedures: aid amounts — "abc", 0, three decimals → 422; "1 234,5" → 1 234,50 €', async () => {
		const p = need(P, 'A');
		const before = count(`SELECT count(*) FROM aid_requests WHERE person_id = ${p}`);
		for (const amount of ['abc', '0', '12,345', '-5', '', '99999999'])  {
			const r = await post('d.ts', `/personnes/${p}/aides`, { ...AID, amount_asked: amount });
			status(r, 422, `amount "${amount}"`);
			fieldError(r, 'amount_asked', 'Montant demandé', `amount "${amount}"`);
		}
		const kind = await post('d.ts', `/personnes/${p}/aides`, { ...AID, kind: 'vacances' });
		status(kind, 422, 'unknown kind');
		fieldError(kind, 'kind', 'nature', 'unknown kind');
		eq(count(`SELECT count(*) FROM aid_requests WHERE person_id = ${p}`), before, 'aid requests stored by refused forms');
		const id = located(await post('d.ts', `/personnes/${p}/aides`, { ...AID, amount_asked: '1 234,5' }), /^\/aides\/(\d+)$/, 'amount "1 234,5"')[0];
		eq(one(`SELECT amount_asked FROM aid_requests WHERE id = ${id}`), '123450', 'amount in cents');
		has((await get('d.ts', `/aides/${id}`)).body, '1\u00a0234,50\u00a0€', 'thousands separated by a non-breaking space');
	});

	test('procedures: aid decision letter before any decision → 409', async () => {
		const a = need(O, 'A');
		const r = await get('d.ts', `/aides/${a}/decision`);
		status(r, 409, 'letter before a decision');
		has(unescapeHtml(r.body), 'Aucune décision', 'message');
	});

	test('procedures: aid granted without amount, payment or decision date → 422; with them → 303 and the letter', async () => {
		const a = need(O, 'A');
		const version = await aidEdit(a);
		const bare = await post('d.ts', `/aides/${a}`, { ...AID, version, status: 'accordee' });
		status(bare, 422, 'granted without details');
		fieldError(bare, 'amount_granted', 'montant accordé', 'granted without amount');
		fieldError(bare, 'payment', 'versée', 'granted without payment');
		const noDate = await post('d.ts', `/aides/${a}`, { ...AID, version, status: 'accordee', amount_granted: '120', payment: 'virement' });
		status(noDate, 422, 'granted without a decision date');
		fieldError(noDate, 'decision_on', 'date de la décision', 'granted without a decision date');
		const order = await post('d.ts', `/aides/${a}`, { ...AID, version, status: 'accordee', amount_granted: '120', payment: 'virement',
			commission_on: dayFr(0), decision_on: dayFr(-1) });
		status(order, 422, 'decision before the commission');
		fieldError(order, 'decision_on', 'précéder la commission', 'decision before the commission');
		const notGranted = await post('d.ts', `/aides/${a}`, { ...AID, version, status: 'instruction', amount_granted: '50' });
		status(notGranted, 422, 'an amount granted while in instruction');
		fieldError(notGranted, 'amount_granted', 'accordée', 'amount granted while in instruction');
		eq(one(`SELECT status || '|' || version FROM aid_requests WHERE id = ${a}`), `instruction|${version}`, 'unchanged after refused updates');
		redirect(await post('d.ts', `/aides/${a}`, { ...AID, version, status: 'accordee', amount_granted: '120', payment: 'virement',
			commission_on: dayFr(-2), decision_on: dayFr(-1) }), `/aides/${a}`, 'granted with the details');
		eq(one(`SELECT status || '|' || amount_granted || '|' || payment || '|' || decision_on FROM aid_requests WHERE id = ${a}`),
		   `accordee|12000|virement|${isoDay(-1)}`, 'stored decision');
		const stale = await post('d.ts', `/aides/${a}`, { ...AID, version, status: 'classee' });
		status(stale, 409, 'update of the aid with an old version');
		has(unescapeHtml(stale.body), 'Quelqu\'un a modifié cette demande', 'conflict message');
		const letter = await get('d.ts', `/aides/${a}/decision`);
		status(letter, 200, 'decision letter');
		const text = unescapeHtml(letter.body);
		for (const s of ['150,50\u00a0€', '120,00\u00a0€', 'Virement', 'acceptée', dayFr(-1), 'Aline', '3 rue des Écoles', '59100 Roubaix', STRUCT_A])
			has(text, s, 'decision letter');
		hasNot(text, 'pas acceptée', 'a granted aid is not refused');
		assert(count(`SELECT count(*) FROM audit_log WHERE action = 'aid.print_letter' AND object_id = ${need(P, 'A')}`) > 0, 'aid.print_letter audited');
	});

	test('procedures: aid refused without a reason → 422; with one → the letter gives it', async () => {
		const p = need(P, 'A');
		const id = located(await post('d.ts', `/personnes/${p}/aides`, { ...AID, kind: 'alimentation', amount_asked: '60' }), /^\/aides\/(\d+)$/, 'create')[0];
		const version = await aidEdit(id);
		const r = await post('d.ts', `/aides/${id}`, { ...AID, kind: 'alimentation', amount_asked: '60', version, status: 'refusee', decision_on: dayFr(0) });
		status(r, 422, 'refused without a reason');
		fieldError(r, 'refusal_reason', 'motif du refus', 'refused without a reason');
		redirect(await post('d.ts', `/aides/${id}`, { ...AID, kind: 'alimentation', amount_asked: '60', version, status: 'refusee', decision_on: dayFr(0),
			refusal_reason: 'Ressources au-dessus du plafond' }), `/aides/${id}`, 'refused with a reason');
		const letter = await get('d.ts', `/aides/${id}/decision`);
		status(letter, 200, 'refusal letter');
		const text = unescapeHtml(letter.body);
		has(text, 'Ressources au-dessus du plafond', 'the reason on the letter');
		has(text, 'pas acceptée', 'refusal wording');
		has(text, 'contester', 'how to contest');
		has(text, '60,00\u00a0€', 'amount asked');
	});

	/* ------------------------------------------------------------------ */
	/* Isolation and roles                                                 */

	test('procedures: another structure gets 404 on démarches, mandates, aid requests and their papers', async () => {
		const d = need(O, 'D'), a = need(O, 'A'), m = need(O, 'M'), p = need(P, 'M');
		const rid = one(`SELECT min(id) FROM mandate_revocations WHERE mandate_id = ${m}`);
		for (const url of [`/demarches/${d}`, `/mandats/${m}`, `/mandats/${m}/attestation`, `/mandats/${m}/revocations/${rid}`, `/aides/${a}`,
				   `/aides/${a}/decision`, `/personnes/${p}/actes-sous-mandat`, `/personnes/${p}/demarches/nouvelle`, `/personnes/${p}/aides/nouvelle`])
			status(await get('d.tsb', url), 404, `GET ${url} from structure B`);
		const subject = one(`SELECT subject FROM procedures WHERE id = ${d}`);
		status(await post('d.tsb', `/demarches/${d}`, { ...PROCEDURE, version: '1', subject: 'Intrusion' }), 404, 'POST /demarches/N from structure B');
		status(await post('d.tsb', `/demarches/${d}/pieces`, [['nouvelle_piece', 'Intrusion']]), 404, 'POST pieces from structure B');
		status(await post('d.tsb', `/aides/${a}`, { ...AID, version: '1' }), 404, 'POST /aides/A from structure B');
		status(await post('d.tsb', `/personnes/${p}/demarches`, { ...PROCEDURE, subject: 'Intrusion' }), 404, 'POST démarche on a file of structure A');
		status(await post('d.tsb', `/personnes/${p}/aides`, AID), 404, 'POST aid on a file of structure A');
		eq(one(`SELECT subject FROM procedures WHERE id = ${d}`), subject, 'démarche after the attempts');
		eq(count(`SELECT count(*) FROM procedure_checklist WHERE label = 'Intrusion'`), 0, 'checklist after the attempts');
		eq(count(`SELECT count(*) FROM procedures WHERE subject = 'Intrusion'`), 0, 'démarches after the attempts');
	});

	test('procedures: reception (accueil) gets 403 on démarches, mandates and aid requests', async () => {
		const d = need(O, 'D'), a = need(O, 'A'), m = need(O, 'M'), p = need(P, 'A');
		for (const url of [`/demarches/${d}`, `/mandats/${m}`, `/mandats/${m}/attestation`, `/aides/${a}`, `/aides/${a}/decision`,
				   `/personnes/${p}/demarches/nouvelle`, `/personnes/${p}/mandats/nouveau`, `/personnes/${p}/aides/nouvelle`,
				   `/personnes/${p}/actes-sous-mandat`])
			status(await get('d.acc', url), 403, `GET ${url} as reception`);
		const before = procedures(p);
		status(await post('d.acc', `/personnes/${p}/demarches`, { ...PROCEDURE, subject: 'Par l’accueil' }), 403, 'POST démarche as reception');
		status(await post('d.acc', `/demarches/${d}/pieces`, [['nouvelle_piece', 'Par l’accueil']]), 403, 'POST pieces as reception');
		status(await post('d.acc', `/aides/${a}`, { ...AID, version: '1' }), 403, 'POST aid as reception');
		status(await post('d.acc', `/mandats/${m}/revoquer`, { domain: '' }), 403, 'POST revocation as reception');
		eq(procedures(p), before, 'démarches after the attempts');
		/* Nor does the file page show the sections to reception. */
		const file = await get('d.acc', `/personnes/${p}`);
		status(file, 200, 'file page as reception');
		hasNot(file.body, `href="/demarches/${d}"`, 'démarche link on reception\'s view');
		hasNot(file.body, `href="/aides/${a}"`, 'aid link on reception\'s view');
	});

	test('procedures: lien audit verify accepts the log and the record of acts after these tests', async () => {
		const r = lien('audit', 'verify', '--db', DB);
		eq(r.code, 0, `lien audit verify exit code (${r.stderr.trim()})`);
		for (const a of ['procedure.add', 'procedure.update', 'procedure.checklist', 'procedure.read', 'mandate.add', 'mandate.act', 'mandate.revoke',
				 'mandate.read', 'aid.add', 'aid.update', 'aid.read'])
			assert(count(`SELECT count(*) FROM audit_log WHERE action = '${a}'`) > 0, `audit rows for ${a}`);
	});
};
