/*
 * HTTP tests of the person's file and the journal (issue 3): creation and
 * validation, duplicates, search, optimistic locking, private notes,
 * reception's limited view, structure isolation, restricted files, tasks,
 * the synthesis (HTML and PDF), right of access, erasure, merge, audit.
 *
 * Loaded by run.js, which passes its harness and helpers:
 *   require('./persons')({ test, assert, ..., get main() { return main; } })
 * The tests run in order and share the files created by the first ones;
 * a test that needs something an earlier test failed to make says so.
 * The setup test starts one more server, "big": the same database with
 * --max-body 4 MB, so that a 1 MB note reaches the note's own limit.
 */
'use strict';

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const cp = require('node:child_process');

module.exports = function persons(h) {
	const {
		test, assert, eq, has, hasNot, status, redirect, fail, textOf, short, lienOk, lien, sql,
		Client, Server, csrfOf, hiddenFields, loginOk, enrolTotp, resetThrottle, unescapeHtml, raw,
		PW, DB, dir, STRUCT_A, STRUCT_B,
	} = h;

	/* ------------------------------------------------------------------ */
	/* Fixture shared by the tests of this file                            */

	const U = {};           /* login -> { id, name, client } */
	const P = {};           /* short name -> person id */
	let big = null;         /* a server on the same database with --max-body 4 MB */

	const USERS = [
		[STRUCT_A, 'p.ts1', 'Paule Suivi', 'travailleur_social'],
		[STRUCT_A, 'p.ts2', 'Karim Collègue', 'travailleur_social'],
		[STRUCT_A, 'p.acc', 'Agathe Guichet', 'accueil'],
		[STRUCT_A, 'p.resp', 'Renée Cheffe', 'responsable'],
		[STRUCT_B, 'p.tsb', 'Bastien Ailleurs', 'travailleur_social'],
	];

	function need(key) {
		if (!P[key])
			fail(`the file "${key}" was not created by an earlier test`);
		return P[key];
	}

	function client(login) {
		if (!U[login] || !U[login].client)
			fail(`${login} was not logged in by the setup test`);
		return U[login].client;
	}

	async function csrf(c) {
		if (!c.csrfToken)
			c.csrfToken = csrfOf((await c.get('/')).body);
		return c.csrfToken;
	}

	async function post(c, url, fields, opts) {
		return c.post(url, { csrf: await csrf(c), ...fields }, opts);
	}

	function q(s) {
		return String(s).replace(/'/g, "''");
	}

	function one(statement) {
		return sql(DB, statement);
	}

	function count(statement) {
		return Number(sql(DB, statement));
	}

	function auditCount(action, objectId, userId) {
		return count(`SELECT count(*) FROM audit_log WHERE action = '${action}'` +
			     (objectId !== undefined ? ` AND object_type = 'person' AND object_id = ${objectId}` : '') +
			     (userId !== undefined ? ` AND user_id = ${userId}` : ''));
	}

	/* dd/mm/yyyy, `days` from today (UTC noon: no edge at midnight in Paris). */
	function dayFr(days) {
		const d = new Date(Date.now() + days * 86400000);
		d.setUTCHours(12);
		return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
	}

	/* A NIR with its key: 97 - (the 13 first digits mod 97). */
	function nirWithKey(d13) {
		const key = 97n - (BigInt(d13) % 97n);
		return d13 + String(key).padStart(2, '0');
	}

	const NIR13 = '2840359350123';
	const NIR = nirWithKey(NIR13);
	const NIR_BAD = NIR13 + String((Number(NIR.slice(13)) % 97) + 1).padStart(2, '0');

	/* Every field of the form, with valid values; `over` replaces some. */
	function personForm(over = {}) {
		return {
			civilite: 'Mme', birth_name: 'Sansnom', usage_name: '', first_names: 'Prénom', birth_date: '',
			birth_place: '', nationality: '', address: '', postal_code: '', commune_name: '', phone: '',
			phone2: '', email: '', preferred_channel: 'telephone', languages: '', housing: '', resources: '',
			protection: 'aucune', protector_contact: '', caf_number: '', nir: '', info_date: '02/01/2025',
			info_method: 'oral_notice', ...over,
		};
	}

	async function createRaw(c, over, extra = {}) {
		return post(c, '/personnes', { ...personForm(over), ...extra });
	}

	async function createPerson(c, over, extra = {}, what = 'create a file') {
		const r = await createRaw(c, over, extra);
		const m = r.status === 303 && /^\/personnes\/(\d+)$/.exec(r.headers.location || '');
		if (!m)
			fail(`${what}: expected 303 to /personnes/ID, got ${r.status} ${r.headers.location || ''} — ${short(textOf(r.body), 400)}`);
		return Number(m[1]);
	}

	function fileNumber(id) {
		return one(`SELECT file_number FROM persons WHERE id = ${id}`);
	}

	const ENTRY_DEFAULTS = {
		medium: 'telephone', kind: 'entretien', duration: '20', when: '', summary: '', for_person: '',
		documents: '', private_note: '', workers: '', task_text: '', task_due: '',
	};

	async function addEntry(c, id, fields, opts) {
		return post(c, `/personnes/${id}/journal`, { ...ENTRY_DEFAULTS, ...fields }, opts);
	}

	async function addEntryOk(c, id, fields, what) {
		const r = await addEntry(c, id, fields);
		redirect(r, `/personnes/${id}#journal`, what);
	}

	/* The ids of the files listed by a search. */
	async function search(c, text) {
		const r = await c.get('/personnes?q=' + encodeURIComponent(text));
		status(r, 200, `search "${text}"`);
		const at = r.body.indexOf('id="resultats"');
		assert(at >= 0, `search "${text}": no result heading`);
		const table = r.body.slice(at, r.body.indexOf('</table>', at));
		return { ids: [...table.matchAll(/href="\/personnes\/(\d+)"/g)].map((m) => Number(m[1])), body: r.body, table };
	}

	/* The body as bytes (the PDF). */
	function getBytes(c, url) {
		return new Promise((resolve, reject) => {
			const req = http.request({ host: '127.0.0.1', port: h.main.port, method: 'GET', path: url,
						   headers: { Cookie: c.cookieHeader() }, agent: false }, (res) => {
				const chunks = [];
				res.on('data', (d) => chunks.push(d));
				res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks) }));
				res.on('error', reject);
			});
			req.setTimeout(15000, () => req.destroy(new Error(`GET ${url}: no answer after 15 s`)));
			req.on('error', reject);
			req.end();
		});
	}

	/* The page's <input id="NAME" ...> tag. */
	function inputTag(html, name) {
		const m = new RegExp(`<(?:input|select|textarea) id="${name}"[^>]*>`).exec(html);
		if (!m)
			fail(`no form control with id="${name}"`);
		return m[0];
	}

	function textareaValue(html, name) {
		const m = new RegExp(`<textarea id="${name}"[^>]*>([^<]*)</textarea>`).exec(html);
		if (!m)
			fail(`no textarea with id="${name}"`);
		return unescapeHtml(m[1]);
	}

	function fieldError(html, name, what) {
		const m = new RegExp(`<p class="field-error" id="${name}-erreur">([^<]*)</p>`).exec(html);
		if (!m)
			fail(`${what}: no error shown next to the field ${name} — ${short(textOf(html), 300)}`);
		return unescapeHtml(m[1]);
	}

	/* A field error: message next to the field, aria-invalid and a link
	 * from the error summary at the top of the page. */
	function fieldInvalid(html, name, message, what) {
		const msg = fieldError(html, name, what);
		if (message)
			has(msg, message, `${what}: message of ${name}`);
		const tag = inputTag(html, name);
		has(tag, 'aria-invalid="true"', `${what}: ${name} control`);
		has(tag, `${name}-erreur`, `${what}: ${name} aria-describedby`);
		const summary = /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(html);
		assert(summary, `${what}: no error summary`);
		has(summary[1], `<a href="#${name}">`, `${what}: error summary links to ${name}`);
		return msg;
	}

	/* ------------------------------------------------------------------ */
	/* Setup                                                               */

	test('persons: setup — five accounts of two structures, logged in; a 4 MB --max-body server', async () => {
		for (const [s, l, n, r] of USERS) {
			lienOk('user', 'add', '--db', DB, '--structure', s, '--login', l, '--name', n, '--role', r, '--password', PW);
			U[l] = { id: Number(one(`SELECT id FROM users WHERE login = '${l}'`)), name: n };
		}
		resetThrottle();
		for (const [, l, , r] of USERS) {
			const c = new Client(h.main);
			if (r === 'responsable')
				await enrolTotp(c, l);
			else
				await loginOk(c, l);
			status(await c.get('/'), 200, `home of ${l}`);
			U[l].client = c;
		}
		big = new Server('big', DB, ['--max-body', String(4 << 20)]);
		await big.start();
	});

	/* ------------------------------------------------------------------ */
	/* Creation and validation                                             */

	test('persons: create a file → 303 /personnes/ID; postal code and commune resolved to the INSEE code', async () => {
		const c = client('p.ts1');
		const form = await c.get('/personnes/nouvelle');
		status(form, 200, 'new-file form');
		for (const f of ['civilite', 'birth_name', 'usage_name', 'first_names', 'birth_date', 'postal_code', 'commune_name',
				 'phone', 'preferred_channel', 'nir', 'info_date', 'info_method', 'restricted'])
			has(form.body, `name="${f}"`, `form field ${f}`);
		const before = count('SELECT count(*) FROM persons');
		P.L = await createPerson(c, {
			birth_name: 'Lefèvre', first_names: 'Amélie', birth_date: '05/03/1984', birth_place: 'Lille',
			address: '12 rue de la Paix', postal_code: '59650', commune_name: "Villeneuve d'ascq",
			phone: '06 12 34 56 78', email: 'amelie.lefevre@exemple.fr', housing: 'locataire_social',
			resources: 'Salaire, APL', nir: NIR.replace(/^(\d)(\d\d)(\d\d)(\d\d)(\d{3})(\d{3})(\d\d)$/, '$1 $2 $3 $4 $5 $6 $7'),
		});
		eq(count('SELECT count(*) FROM persons'), before + 1, 'files in the database');
		const row = one(`SELECT birth_name || '|' || first_names || '|' || birth_date || '|' || postal_code || '|' || commune_insee || '|' || commune_name || '|' || nir || '|' || status FROM persons WHERE id = ${P.L}`);
		eq(row, `Lefèvre|Amélie|1984-03-05|59650|59009|Villeneuve-d'Ascq|${NIR}|active`, 'stored file (date in ISO, commune resolved, NIR compact)');
		assert(/^\d{4}-\d{6}$/.test(fileNumber(P.L)), `file number ${fileNumber(P.L)}`);
		eq(auditCount('person.create', P.L, U['p.ts1'].id), 1, 'person.create audited');
		eq(count(`SELECT count(*) FROM person_referents WHERE person_id = ${P.L} AND user_id = ${U['p.ts1'].id}`), 1, 'the creator is a referent');
		const page = await c.get(`/personnes/${P.L}`);
		status(page, 200, 'file page');
		has(page.body, fileNumber(P.L), 'file number on the page');
		has(page.body, 'Amélie', 'first name on the page');
		/* A postal code with the commune typed another way (no accents, other case). */
		P.C = await createPerson(c, { birth_name: 'Wattez', first_names: 'Hugo', postal_code: '59100', commune_name: 'ROUBAIX' });
		eq(one(`SELECT commune_insee || '|' || commune_name FROM persons WHERE id = ${P.C}`), '59512|Roubaix', 'Roubaix resolved');
	});

	test('persons: create — missing fields, impossible or future dates, bad NIR, unknown postal code → 422 on the field', async () => {
		const c = client('p.ts1');
		const before = count('SELECT count(*) FROM persons');
		const missing = await createRaw(c, { birth_name: '', first_names: '  ' });
		status(missing, 422, 'names missing');
		fieldInvalid(missing.body, 'birth_name', 'Renseignez : Nom de naissance', 'names missing');
		fieldInvalid(missing.body, 'first_names', 'Renseignez : Prénoms', 'names missing');
		has(missing.body, 'Le formulaire contient 2 erreurs', 'error count in the summary');
		assert(/<title>Erreur – /.test(missing.body), 'the page title starts with "Erreur"');

		const feb = await createRaw(c, { birth_name: 'Février', first_names: 'Impossible', birth_date: '31/02/1990' });
		status(feb, 422, 'birth date 31/02/1990');
		fieldInvalid(feb.body, 'birth_date', 'Date impossible', '31/02/1990');
		has(inputTag(feb.body, 'birth_date'), 'value="31/02/1990"', 'the typed date is kept');
		has(inputTag(feb.body, 'birth_name'), 'value="Février"', 'the other fields are kept');

		const future = await createRaw(c, { birth_name: 'Futur', first_names: 'Bébé', birth_date: '01/01/2099' });
		status(future, 422, 'birth date in 2099');
		fieldInvalid(future.body, 'birth_date', 'futur', 'future birth date');

		const noInfo = await createRaw(c, { birth_name: 'Sansinfo', first_names: 'Jean', info_date: '' });
		status(noInfo, 422, 'information date empty');
		fieldInvalid(noInfo.body, 'info_date', "Renseignez : Date d'information", 'information date');

		const badNir = await createRaw(c, { birth_name: 'Clef', first_names: 'Fausse', nir: NIR_BAD });
		status(badNir, 422, `NIR ${NIR_BAD} (wrong key)`);
		fieldInvalid(badNir.body, 'nir', 'Numéro de sécurité sociale invalide', 'NIR with a wrong key');
		const shortNir = await createRaw(c, { birth_name: 'Clef', first_names: 'Courte', nir: '12345' });
		status(shortNir, 422, 'NIR of 5 digits');

		const postal = await createRaw(c, { birth_name: 'Postal', first_names: 'Inconnu', postal_code: '99999', commune_name: 'Nulle-Part' });
		status(postal, 422, 'postal code 99999');
		fieldInvalid(postal.body, 'postal_code', "Ce code postal n'existe pas", 'unknown postal code');
		eq(count('SELECT count(*) FROM persons'), before, 'files written by refused forms');

		/* The valid NIR is accepted (the file above was created with it). */
		const id = await createPerson(c, { birth_name: 'Clef', first_names: 'Bonne', nir: nirWithKey('1750599123456') });
		eq(one(`SELECT nir FROM persons WHERE id = ${id}`), nirWithKey('1750599123456'), 'valid NIR stored');
	});

	test('persons: the NIR is masked on the file page; /personnes/ID/nir shows it and audits person.nir_unmask', async () => {
		const id = need('L');
		const c = client('p.ts1');
		const page = await c.get(`/personnes/${id}`);
		status(page, 200, 'file page');
		const masked = `${NIR[0]} ${NIR.slice(1, 3)} ${NIR.slice(3, 5)} •• ••• ••• ${NIR.slice(13)}`;
		has(page.body, masked, 'masked NIR');
		hasNot(page.body, NIR, 'the NIR in clear');
		hasNot(page.body, NIR.slice(5, 13), 'the hidden middle digits');
		has(page.body, `href="/personnes/${id}/nir"`, 'link to unmask');
		const before = auditCount('person.nir_unmask', id, U['p.ts1'].id);
		const shown = await c.get(`/personnes/${id}/nir`);
		status(shown, 200, 'GET /nir');
		has(shown.body, NIR, 'the NIR in clear on /nir');
		eq(auditCount('person.nir_unmask', id, U['p.ts1'].id), before + 1, 'person.nir_unmask audit rows for the worker');
	});

	test('persons: the edit form does not show the NIR in clear without auditing the unmasking', async () => {
		const id = need('L');
		const c = client('p.ts1');
		const before = auditCount('person.nir_unmask', id, U['p.ts1'].id);
		const edit = await c.get(`/personnes/${id}/modifier`);
		status(edit, 200, 'edit form');
		const shownInClear = edit.body.includes(NIR);
		const audited = auditCount('person.nir_unmask', id, U['p.ts1'].id) > before;
		assert(!shownInClear || audited,
		       `GET /personnes/${id}/modifier puts the NIR in clear in the nir field (${short(inputTag(edit.body, 'nir'))}) and no person.nir_unmask row is written`);
	});

	/* ------------------------------------------------------------------ */
	/* Duplicates                                                          */

	test('persons: duplicate warning (case, accents, hyphens, swapped names, usage name) → 409; autre_personne=1 creates', async () => {
		const c = client('p.ts1');
		P.D = await createPerson(c, { civilite: 'M.', birth_name: 'Dubois-Lefèvre', first_names: 'Jean-Noël', birth_date: '12/07/1975' });
		const number = fileNumber(P.D);
		const before = count('SELECT count(*) FROM persons');
		const variants = [
			['other case and no accents', { birth_name: 'DUBOIS LEFEVRE', first_names: 'jean noel' }],
			['hyphens and accents changed', { birth_name: 'dubois lefèvre', first_names: 'Jean Noel' }],
			['first and last names swapped', { birth_name: 'Jean-Noël', first_names: 'Dubois-Lefèvre' }],
			['first and last names swapped, birth date not given', { birth_name: 'Jean Noel', first_names: 'DUBOIS-LEFEVRE', birth_date: '' }],
			['the name as usage name', { birth_name: 'Martin', usage_name: 'Dubois-Lefèvre', first_names: 'Jean-Noël' }],
			['one family name, birth date in ISO form', { birth_name: 'Lefevre', first_names: 'Jean-Noël', birth_date: '1975-07-12' }],
		];
		for (const [what, names] of variants) {
			const r = await createRaw(c, { civilite: 'M.', birth_date: '12/07/1975', ...names });
			status(r, 409, `duplicate, ${what}`);
			const notice = /<div class="notice" role="alert" id="doublons">([\s\S]*?)<\/div>/.exec(r.body);
			assert(notice, `${what}: the list of possible duplicates`);
			has(notice[1], `href="/personnes/${P.D}"`, `${what}: link to the existing file`);
			has(notice[1], number, `${what}: file number of the existing file`);
			has(notice[1], '12/07/1975', `${what}: birth date shown to tell people apart`);
			has(r.body, 'name="autre_personne"', `${what}: the "another person" checkbox`);
		}
		eq(count('SELECT count(*) FROM persons'), before, 'files written while duplicates were proposed');
		/* Re-submitted with "it is someone else": created. */
		const other = await createPerson(c, { civilite: 'M.', birth_name: 'DUBOIS LEFEVRE', first_names: 'jean noel', birth_date: '12/07/1975' },
						 { autre_personne: '1' }, 'duplicate confirmed as another person');
		assert(other !== P.D, 'a new file');
		eq(count('SELECT count(*) FROM persons'), before + 1, 'files after the confirmation');
		/* The same names with another birth date are not proposed. */
		await createPerson(c, { civilite: 'M.', birth_name: 'Dubois-Lefèvre', first_names: 'Jean-Noël', birth_date: '13/08/1980' }, {},
				   'same names, another birth date');
	});

	/* ------------------------------------------------------------------ */
	/* Search                                                              */

	test('persons: search by name prefix (accents, case), two words in any order, birth date, phone, file number', async () => {
		const id = need('L');
		const c = client('p.ts1');
		for (const text of ['lefe', 'LEFÈ', 'Lefèvre', 'amél', 'amelie lefevre', 'Lefèvre Amélie', 'lef am']) {
			const r = await search(c, text);
			assert(r.ids.includes(id), `search "${text}" does not find Lefèvre Amélie (found ${r.ids})`);
		}
		const two = await search(c, 'amelie lefevre');
		assert(!two.ids.includes(need('D')), 'two words: every word must match (Dubois-Lefèvre Jean-Noël listed)');
		const r = await search(c, 'lefe');
		has(r.table, '05/03/1984', 'birth date in the list');
		has(r.table, "Villeneuve-d&#39;Ascq", 'commune in the list');
		has(r.table, fileNumber(id), 'file number in the list');
		for (const text of ['05/03/1984', '1984-03-05', '0612345678', '06 12 34', fileNumber(id)]) {
			const s = await search(c, text);
			assert(s.ids.includes(id), `search "${text}" does not find the file (found ${s.ids})`);
		}
		eq((await search(c, fileNumber(id))).ids.join(), String(id), 'search by file number finds exactly that file');
		eq((await search(c, '06/03/1984')).ids.includes(id), false, 'another birth date');
		eq((await search(c, 'lefevrex')).ids.length, 0, 'a longer word than the name');
		assert(auditCount('person.search', undefined, U['p.ts1'].id) >= 10, 'searches audited');
	});

	/* ------------------------------------------------------------------ */
	/* Optimistic locking                                                  */

	test('persons: two workers edit the same file — the second save → 409 listing the difference, nothing overwritten', async () => {
		const a = client('p.ts1'), b = client('p.ts2');
		const base = { civilite: 'M.', birth_name: 'Rousseau', first_names: 'Lucien', birth_date: '14/07/1960', phone: '03 20 00 00 01',
			       address: '1 place de la Mairie', postal_code: '59100', commune_name: 'Roubaix' };
		P.K = await createPerson(a, base);
		const id = P.K;
		const ea = await a.get(`/personnes/${id}/modifier`);
		const eb = await b.get(`/personnes/${id}/modifier`);
		status(ea, 200, 'edit form of the first worker');
		status(eb, 200, 'edit form of the second worker');
		const va = hiddenFields(ea.body, `/personnes/${id}`).version, vb = hiddenFields(eb.body, `/personnes/${id}`).version;
		eq(va, vb, 'both forms carry the same version');
		has(inputTag(ea.body, 'phone'), 'value="03 20 00 00 01"', 'the form holds the stored phone');
		redirect(await post(a, `/personnes/${id}`, { ...personForm(base), phone: '06 99 88 77 66', version: va }), `/personnes/${id}`, 'first save');
		const r = await post(b, `/personnes/${id}`, { ...personForm(base), address: '3 rue des Lilas', version: vb });
		status(r, 409, 'second save with the old version');
		has(unescapeHtml(r.body), "Quelqu'un a enregistré", 'conflict message');
		const table = /<table class="list">([\s\S]*?)<\/table>/.exec(r.body);
		assert(table, 'the table of differences');
		has(table[1], '<td>Téléphone</td><td>06 99 88 77 66</td><td>03 20 00 00 01</td>', 'the phone listed with both values');
		has(textareaValue(r.body, 'address'), '3 rue des Lilas', 'the second worker\'s typing is kept in the form');
		eq(hiddenFields(r.body, `/personnes/${id}`).version, String(Number(va) + 1), 'the form now carries the current version');
		eq(one(`SELECT phone || '|' || address || '|' || version FROM persons WHERE id = ${id}`),
		   `06 99 88 77 66|1 place de la Mairie|${Number(va) + 1}`, 'stored file after the refused save');
		eq(auditCount('person.update', id), 1, 'one person.update audited');
		/* A form without a version is refused. */
		status(await post(b, `/personnes/${id}`, { ...personForm(base), address: 'sans version' }), 400, 'save without a version');
		eq(one(`SELECT address FROM persons WHERE id = ${id}`), '1 place de la Mairie', 'address after a save without version');
	});

	/* ------------------------------------------------------------------ */
	/* Journal and private notes                                           */

	const NOTE = 'NOTEPRIVEE-7f3a : elle évoque des violences, ne pas en parler au conjoint';
	const SUMMARY = 'Point FSL <b>gras</b> & <script>alert("x")</script> résumé-partagé-9c1';
	const FOR_PERSON = 'Dossier FSL déposé à la CAF, réponse sous un mois';
	const DOCUMENTS = 'Avis d’imposition 2025 et quittances de loyer';
	const JTASK = 'Relancer la CAF JTASK-55';

	test('persons: journal — the private note is shown to its author only, encrypted at rest; HTML escaped', async () => {
		const id = need('L');
		const a = client('p.ts1');
		const before = count(`SELECT count(*) FROM journal_entries WHERE person_id = ${id}`);
		await addEntryOk(a, id, {
			medium: 'visite_planifiee', kind: 'entretien', duration: '45', 'theme_logement-hebergement': '1',
			'theme_difficultes-financieres': '1', summary: SUMMARY, for_person: FOR_PERSON, documents: DOCUMENTS,
			private_note: NOTE, workers: 'Mme Conseillère CAF', task_text: JTASK, task_due: dayFr(20),
		}, 'entry with a private note');
		eq(count(`SELECT count(*) FROM journal_entries WHERE person_id = ${id}`), before + 1, 'entries');
		const eid = Number(one(`SELECT max(id) FROM journal_entries WHERE person_id = ${id}`));
		eq(one(`SELECT kind || '|' || medium || '|' || duration_min || '|' || themes FROM journal_entries WHERE id = ${eid}`),
		   'entretien|visite_planifiee|45|difficultes-financieres,logement-hebergement', 'stored entry');
		assert(auditCount('journal.add', id, U['p.ts1'].id) >= 1, 'journal.add audited');

		const mine = await a.get(`/personnes/${id}`);
		status(mine, 200, 'file page of the author');
		has(mine.body, 'Ma note privée', 'the author sees the private note block');
		has(unescapeHtml(mine.body), NOTE, 'the author reads the note');
		has(mine.body, 'Point FSL &lt;b&gt;gras&lt;/b&gt; &amp; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;', 'summary escaped');
		hasNot(mine.body, '<script>alert("x")', 'raw script in the page');
		hasNot(mine.body, '<b>gras</b>', 'raw HTML in the page');
		has(mine.body, 'Logement et hébergement', 'theme shown by its label');

		for (const who of ['p.ts2', 'p.resp']) {
			const page = await client(who).get(`/personnes/${id}`);
			status(page, 200, `file page for ${who}`);
			has(unescapeHtml(page.body), 'résumé-partagé-9c1', `${who} reads the shared summary`);
			hasNot(unescapeHtml(page.body), 'NOTEPRIVEE-7f3a', `${who}: the private note`);
			hasNot(page.body, 'Ma note privée', `${who}: a private note block`);
		}
		const hex = one(`SELECT hex(private_note) FROM journal_entries WHERE id = ${eid}`);
		assert(hex.length / 2 >= Buffer.byteLength(NOTE), `private_note blob of ${hex.length / 2} bytes`);
		hasNot(hex, Buffer.from('NOTEPRIVEE-7f3a').toString('hex').toUpperCase(), 'the note in clear in the database');
		hasNot(hex, Buffer.from('violences').toString('hex').toUpperCase(), 'a word of the note in clear in the database');
		eq(count(`SELECT count(*) FROM journal_entries WHERE summary LIKE '%NOTEPRIVEE%' OR for_person LIKE '%NOTEPRIVEE%' OR documents LIKE '%NOTEPRIVEE%'`), 0,
		   'the note copied into another column');
		eq(count(`SELECT count(*) FROM audit_log WHERE detail LIKE '%NOTEPRIVEE%'`), 0, 'the note in the audit log');
		/* An entry is noted once it happened: a date in the future is refused. */
		const n = count(`SELECT count(*) FROM journal_entries WHERE person_id = ${id}`);
		const future = await addEntry(a, id, { summary: 'FUTURE-ENTRY', when: '2099-01-01T10:00' });
		status(future, 422, 'entry dated 2099');
		has(fieldError(future.body, 'when', 'entry in the future'), 'futur', 'message');
		eq(count(`SELECT count(*) FROM journal_entries WHERE person_id = ${id}`), n, 'entries written for a future date');
	});

	test('persons: journal themes are the structure\'s — one switched off is refused, one added is offered and shown', async () => {
		const id = need('L');
		const resp = client('p.resp'), a = client('p.ts1');
		redirect(await post(resp, '/structure/themes', { nouveau_theme: 'Accès aux droits' }), '/structure#themes', 'add a theme');
		redirect(await post(resp, '/structure/themes', { theme: 'creer-une-entreprise', actif: '0' }), '/structure#themes', 'switch one off');
		const page = await a.get(`/personnes/${id}`);
		has(page.body, 'name="theme_local-acces-aux-droits"', 'the new theme is offered');
		hasNot(page.body, 'name="theme_creer-une-entreprise"', 'the switched-off theme is not');
		status(await addEntry(a, id, { summary: 'THEME-OFF', 'theme_creer-une-entreprise': '1' }), 422, 'a switched-off theme');
		eq(count("SELECT count(*) FROM journal_entries WHERE summary = 'THEME-OFF'"), 0, 'nothing written');
		await addEntryOk(a, id, { summary: 'THEME-LOCAL', 'theme_local-acces-aux-droits': '1' }, 'entry with the new theme');
		has((await a.get(`/personnes/${id}`)).body, '<span class="tag">Accès aux droits</span>', 'its label on the entry');
		status(await post(a, '/structure/themes', { nouveau_theme: 'Pirate' }), 403, 'a worker cannot change themes');
		redirect(await post(resp, '/structure/themes', { theme: 'creer-une-entreprise', actif: '1' }), '/structure#themes', 'switched on again');
	});

	test('persons: journal — a 1 MB private note is refused with a clear limit, nothing written; 20 000 characters is the limit', async () => {
		const id = need('K');
		const a = client('p.ts1');
		const before = count(`SELECT count(*) FROM journal_entries WHERE person_id = ${id}`);
		const huge = 'n'.repeat(1 << 20);
		/* On the default server (--max-body 256 KB): the body limit answers. */
		const body = new URLSearchParams({ csrf: await csrf(a), ...ENTRY_DEFAULTS, summary: 'MEGANOTE', private_note: huge }).toString();
		const head = `POST /personnes/${id}/journal HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${a.cookieHeader()}\r\n` +
			     `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
		const r = await raw(h.main.port, Buffer.concat([Buffer.from(head), Buffer.from(body)]), { wait: 5000 });
		const text = Buffer.from(r.text, 'latin1').toString('utf8');
		assert(r.status === 413 || r.status === 422, `1 MB note on the default server: expected 413 or 422, got ${r.status} ${short(text)}`);
		assert(/taille autorisée|20 000/.test(text), `1 MB note: the answer states no limit — ${short(textOf(text), 300)}`);
		/* With a larger body limit, the note's own limit answers on the field. */
		const big422 = await addEntry(a, id, { summary: 'MEGANOTE', private_note: huge }, { server: big });
		status(big422, 422, '1 MB note with --max-body 4 MB');
		has(fieldError(big422.body, 'private_note', '1 MB note'), '20 000 caractères', 'the limit in the message');
		eq(count(`SELECT count(*) FROM journal_entries WHERE person_id = ${id}`), before, 'entries written for a 1 MB note');
		const over = await addEntry(a, id, { summary: 'OVERNOTE', private_note: 'o'.repeat(20001) });
		status(over, 422, 'note of 20 001 characters');
		has(fieldError(over.body, 'private_note', '20 001 characters'), '20 000 caractères', 'limit message');
		has(over.body, 'OVERNOTE', 'the typed summary is kept');
		eq(count(`SELECT count(*) FROM journal_entries WHERE person_id = ${id}`), before, 'entries written for a note over the limit');
		await addEntryOk(a, id, { summary: 'LIMITNOTE', private_note: 'l'.repeat(20000) }, 'note of exactly 20 000 characters');
		eq(count(`SELECT count(*) FROM journal_entries WHERE person_id = ${id}`), before + 1, 'entry at the limit written');
	});

	test('persons: journal — a note of 15 000 accented characters (under the "20 000 caractères" limit) is accepted', async () => {
		const id = need('K');
		const a = client('p.ts1');
		const note = 'é'.repeat(15000);
		const r = await addEntry(a, id, { summary: 'ACCENTNOTE', private_note: note });
		if (r.status === 422)
			fail(`15 000 characters refused (${Buffer.byteLength(note)} bytes): "${fieldError(r.body, 'private_note', 'accented note')}" — the limit counts bytes, the message says characters`);
		redirect(r, `/personnes/${id}#journal`, 'note of 15 000 "é"');
	});

	/* ------------------------------------------------------------------ */
	/* Reception                                                           */

	test('persons: accueil sees identity and contact only, no synthèse, logs an "accueil" with a reason, not an "entretien"', async () => {
		const id = need('L');
		const acc = client('p.acc');
		/* What a worker sees, for comparison. */
		const ts = await client('p.ts1').get(`/personnes/${id}`);
		for (const label of ['Numéro de sécurité sociale', 'Logement', 'Mesure de protection', 'Ressources (nature)'])
			has(ts.body, `<dt>${label}</dt>`, `worker sees ${label}`);
		const page = await acc.get(`/personnes/${id}`);
		status(page, 200, 'accueil opens the file');
		has(page.body, '<dd>Lefèvre</dd>', 'birth name');
		has(page.body, '<dd>06 12 34 56 78</dd>', 'phone');
		has(page.body, '12 rue de la Paix', 'address');
		for (const label of ['Numéro de sécurité sociale', 'Logement', 'Mesure de protection', 'Ressources (nature)'])
			hasNot(page.body, `<dt>${label}</dt>`, `accueil sees ${label}`);
		hasNot(page.body, '•• ••• •••', 'masked NIR');
		hasNot(page.body, 'Salaire, APL', 'resources');
		hasNot(page.body, `/personnes/${id}/nir`, 'link to unmask the NIR');
		const text = unescapeHtml(page.body);
		for (const secret of ['résumé-partagé-9c1', 'NOTEPRIVEE-7f3a', 'Dossier FSL déposé', 'quittances de loyer', 'JTASK-55', 'Conseillère CAF'])
			hasNot(text, secret, 'accueil, file page');
		const edit = await acc.get(`/personnes/${id}/modifier`);
		status(edit, 200, 'accueil edit form');
		hasNot(edit.body, 'name="nir"', 'NIR field in the accueil form');
		hasNot(edit.body, 'name="housing"', 'housing field in the accueil form');
		hasNot(edit.body, NIR, 'NIR in the accueil form');
		for (const p of ['synthese', 'synthese.pdf', 'nir', 'acces', 'consultations'])
			status(await acc.get(`/personnes/${id}/${p}`), 403, `accueil GET /personnes/${id}/${p}`);

		const mine = count(`SELECT count(*) FROM journal_entries WHERE author_id = ${U['p.acc'].id}`);
		await addEntryOk(acc, id, { medium: 'visite_spontanee', kind: 'accueil', duration: '5', summary: 'Dépôt d’un courrier MOTIF-ACC-31' },
				 'accueil logs a visit');
		eq(count(`SELECT count(*) FROM journal_entries WHERE author_id = ${U['p.acc'].id} AND kind = 'accueil'`), mine + 1, 'accueil entry written');
		const ent = await addEntry(acc, id, { kind: 'entretien', summary: 'ENTRETIEN-ACC' });
		status(ent, 422, 'accueil logs an entretien');
		has(fieldError(ent.body, 'kind', 'entretien by accueil'), "L'accueil ne peut noter qu'un passage à l'accueil", 'message');
		const note = await addEntry(acc, id, { kind: 'accueil', summary: 'avec note', private_note: 'NOTE-ACC' });
		status(note, 422, 'accueil writes a private note');
		eq(count(`SELECT count(*) FROM journal_entries WHERE author_id = ${U['p.acc'].id}`), mine + 1, 'entries written by refused accueil forms');
		const after = unescapeHtml((await acc.get(`/personnes/${id}`)).body);
		has(after, 'MOTIF-ACC-31', 'accueil reads its own reason');
		hasNot(after, 'résumé-partagé-9c1', 'accueil reads the worker\'s summary');
	});

	const SITUATION = ['housing', 'resources', 'protection', 'protector_contact', 'caf_number', 'nir'];

	test('persons: accueil corrects the phone of a file — saved, the situation it cannot see is kept', async () => {
		const a = client('p.ts1'), acc = client('p.acc');
		const who = { birth_name: 'Benali', first_names: 'Yasmine', birth_date: '17/04/1988', phone: '06 01 02 03 04',
			      housing: 'heberge_tiers', resources: 'RSA', protection: 'curatelle', protector_contact: 'UDAF du Nord',
			      nir: nirWithKey('2880459350777') };
		P.Y = await createPerson(a, who);
		const id = P.Y;
		const stored = () => one(`SELECT housing || '|' || resources || '|' || protection || '|' || protector_contact || '|' || nir FROM persons WHERE id = ${id}`);
		const situation = stored();
		eq(situation, `heberge_tiers|RSA|curatelle|UDAF du Nord|${who.nir}`, 'situation stored');
		const edit = await acc.get(`/personnes/${id}/modifier`);
		status(edit, 200, 'accueil edit form');
		const version = hiddenFields(edit.body, `/personnes/${id}`).version;
		const fields = personForm({ ...who, phone: '06 55 44 33 22' });
		for (const f of SITUATION)
			delete fields[f];   /* not in reception's form */
		const r = await post(acc, `/personnes/${id}`, { ...fields, version });
		if (r.status === 422) {
			const errs = [...r.body.matchAll(/<li><a href="#(\w+)">([^<]*)<\/a><\/li>/g)].map((m) => `${m[1]}: ${unescapeHtml(m[2])}`);
			fail(`accueil's save refused with 422 on fields it cannot see: ${errs.join('; ')}`);
		}
		redirect(r, `/personnes/${id}`, 'accueil saves the new phone');
		eq(one(`SELECT phone FROM persons WHERE id = ${id}`), '06 55 44 33 22', 'phone saved');
		eq(stored(), situation, 'situation after reception\'s save');
	});

	/* ------------------------------------------------------------------ */
	/* Structure isolation                                                 */

	test('persons: a worker of structure B gets 404 on A\'s file, edit, journal, synthèse, NIR and tasks; B\'s search finds nothing of A', async () => {
		const id = need('L');
		const b = client('p.tsb');
		const taskId = Number(one(`SELECT id FROM tasks WHERE text = '${JTASK}'`));
		assert(taskId > 0, 'the task of the journal test');
		for (const p of ['', '/modifier', '/synthese', '/synthese.pdf', '/nir'])
			status(await b.get(`/personnes/${id}${p}`), 404, `B GET /personnes/${id}${p}`);
		const entries = count(`SELECT count(*) FROM journal_entries WHERE person_id = ${id}`);
		const version = one(`SELECT version FROM persons WHERE id = ${id}`);
		status(await addEntry(b, id, { summary: 'INTRUS-B' }), 404, 'B POST journal');
		status(await post(b, `/personnes/${id}`, { ...personForm({ birth_name: 'Intrus', first_names: 'B' }), version }), 404, 'B POST edit');
		status(await post(b, `/personnes/${id}/taches`, { text: 'INTRUS-B', due: '', assignee: '' }), 404, 'B POST task');
		status(await post(b, `/personnes/${id}/referents`, { user_id: String(U['p.tsb'].id) }), 404, 'B POST referent');
		status(await post(b, `/personnes/${id}/foyer`, { member_first_names: 'Intrus', member_last_name: 'B', member_relation: 'enfant', member_birth_date: '' }), 404, 'B POST household');
		status(await post(b, `/taches/${taskId}/fait`, { fait: '1', retour: '/' }), 404, 'B marks A\'s task done');
		status(await post(b, `/taches/${taskId}/confier`, { assignee: String(U['p.tsb'].id), retour: '/' }), 404, 'B reassigns A\'s task');
		eq(count(`SELECT count(*) FROM journal_entries WHERE person_id = ${id}`), entries, 'A\'s journal');
		eq(one(`SELECT birth_name || '|' || version FROM persons WHERE id = ${id}`), `Lefèvre|${version}`, 'A\'s file');
		eq(one(`SELECT COALESCE(CAST(done_at AS TEXT), 'open') || '|' || assignee_id FROM tasks WHERE id = ${taskId}`), `open|${U['p.ts1'].id}`, 'A\'s task');
		eq(count(`SELECT count(*) FROM person_referents WHERE person_id = ${id} AND user_id = ${U['p.tsb'].id}`), 0, 'B made referent of A\'s file');
		eq(count(`SELECT count(*) FROM household_members WHERE person_id = ${id}`), 0, 'household written by B');
		/* B's own file: the same person is not proposed as a duplicate of A's. */
		P.B = await createPerson(b, { birth_name: 'Lefèvre', first_names: 'Amélie', birth_date: '05/03/1984' }, {}, 'B creates its own Lefèvre Amélie (no duplicate across structures)');
		for (const text of ['lefe', 'Amélie', '05/03/1984', '0612345678', fileNumber(id), 'dubois'])
			for (const other of [id, need('D')])
				assert(!(await search(b, text)).ids.includes(other), `B's search "${text}" lists A's file ${other}`);
		const ownSearch = await search(b, 'lefe');
		eq(ownSearch.ids.join(), String(P.B), 'B\'s search finds B\'s file only');
		/* Merging A's file into B's is refused. */
		const m = await post(b, `/personnes/${P.B}/fusionner`, { doublon: fileNumber(id) });
		assert(m.status >= 400 && m.status < 500, `B merges A's file: ${m.status}`);
		eq(one(`SELECT status || '|' || COALESCE(CAST(merged_into AS TEXT), '') FROM persons WHERE id = ${id}`), 'active|', 'A\'s file after B\'s merge attempt');
		/* And A's worker cannot reach B's file. */
		status(await client('p.ts1').get(`/personnes/${P.B}`), 404, 'A GET B\'s file');
	});

	/* ------------------------------------------------------------------ */
	/* Restricted file                                                     */

	test('persons: a restricted file is closed to a non-referent worker (404) and to accueil, open to the responsable and to a new referent', async () => {
		const a = client('p.ts1'), b = client('p.ts2');
		P.R = await createPerson(a, { birth_name: 'Garnier', first_names: 'Solène', birth_date: '30/11/1992', restricted: '1' });
		const id = P.R;
		eq(one(`SELECT restricted FROM persons WHERE id = ${id}`), '1', 'stored as restricted');
		status(await a.get(`/personnes/${id}`), 200, 'the creator (referent) opens it');
		status(await b.get(`/personnes/${id}`), 404, 'another worker, not referent');
		status(await b.get(`/personnes/${id}/modifier`), 404, 'its edit form');
		status(await b.get(`/personnes/${id}/synthese`), 404, 'its synthèse');
		status(await addEntry(b, id, { summary: 'RESTREINT-TS2' }), 404, 'journal POST by the other worker');
		status(await post(b, `/personnes/${id}/referents`, { user_id: String(U['p.ts2'].id) }), 404, 'the other worker makes itself referent');
		status(await client('p.acc').get(`/personnes/${id}`), 404, 'accueil');
		/* Listed in searches (no second file gets created) but without identity. */
		const found = await b.get('/personnes?q=' + encodeURIComponent('garnier solène'));
		status(found, 200, 'search by the other worker');
		has(found.body, 'Dossier réservé à ses référents', 'the restricted file is listed as such');
		hasNot(found.body, '30/11/1992', 'no birth date of a restricted file');
		hasNot(found.body, `href="/personnes/${id}"`, 'no link to a restricted file');
		const byReferent = await a.get('/personnes?q=' + encodeURIComponent('garnier solène'));
		has(byReferent.body, '30/11/1992', 'its referent sees it in full');
		const resp = await client('p.resp').get(`/personnes/${id}`);
		status(resp, 200, 'the responsable');
		has(resp.body, 'réservé aux référents', 'the page says the file is restricted');
		eq(count(`SELECT count(*) FROM person_referents WHERE person_id = ${id} AND user_id = ${U['p.ts2'].id}`), 0, 'referent added by a refused request');
		redirect(await post(a, `/personnes/${id}/referents`, { user_id: String(U['p.ts2'].id) }), `/personnes/${id}`, 'the referent adds the colleague');
		const now = await b.get(`/personnes/${id}`);
		status(now, 200, 'the colleague once referent');
		has(now.body, 'Solène', 'the file');
		assert(auditCount('person.referent_add', id, U['p.ts1'].id) >= 1, 'person.referent_add audited');
	});

	/* ------------------------------------------------------------------ */
	/* Tasks                                                               */

	test('persons: tasks — "Mes tâches" of the assignee, done with POST /taches/ID/fait; another structure\'s task → 404', async () => {
		const id = need('L');
		const a = client('p.ts1'), b = client('p.ts2');
		/* The task of the journal entry is on its author's home page. */
		const homeA = await a.get('/');
		status(homeA, 200, 'home of the author');
		has(homeA.body, 'Mes tâches', 'the section');
		has(homeA.body, JTASK, 'the task created with the entry');
		/* A task for a colleague, overdue. */
		const due = dayFr(-30);
		redirect(await post(a, `/personnes/${id}/taches`, { text: 'Appeler le bailleur TASK-77', due, assignee: String(U['p.ts2'].id) }),
			 `/personnes/${id}#taches`, 'task for the colleague');
		const tid = Number(one("SELECT id FROM tasks WHERE text = 'Appeler le bailleur TASK-77'"));
		eq(one(`SELECT assignee_id || '|' || due_date || '|' || COALESCE(CAST(done_at AS TEXT), 'open') FROM tasks WHERE id = ${tid}`),
		   `${U['p.ts2'].id}|${due.split('/').reverse().join('-')}|open`, 'stored task');
		hasNot((await a.get('/')).body, 'TASK-77', 'the task on its creator\'s home page');
		const homeB = await b.get('/');
		const late = /<h3>En retard<\/h3>([\s\S]*?)<h3>/.exec(homeB.body);
		assert(late, 'the "En retard" group');
		has(late[1], 'Appeler le bailleur TASK-77', 'the overdue task under "En retard"');
		has(late[1], `href="/personnes/${id}"`, 'the task links to the file');
		has(late[1], `action="/taches/${tid}/fait"`, 'the "done" form');
		redirect(await post(b, `/taches/${tid}/fait`, { fait: '1', retour: '/' }), '/', 'task done');
		assert(one(`SELECT COALESCE(CAST(done_at AS TEXT), 'open') FROM tasks WHERE id = ${tid}`) !== 'open', 'done_at set');
		hasNot((await b.get('/')).body, 'TASK-77', 'a done task on the home page');
		assert(auditCount('task.done', id, U['p.ts2'].id) >= 1, 'task.done audited');
		/* Structure B's task is out of reach for A. */
		const bid = need('B');
		redirect(await post(client('p.tsb'), `/personnes/${bid}/taches`, { text: 'Tâche de B TASK-B', due: '', assignee: '' }), `/personnes/${bid}#taches`, 'B creates a task');
		const btid = Number(one("SELECT id FROM tasks WHERE text = 'Tâche de B TASK-B'"));
		status(await post(a, `/taches/${btid}/fait`, { fait: '1', retour: '/' }), 404, 'A marks B\'s task done');
		status(await post(a, `/taches/${btid}/confier`, { assignee: String(U['p.ts1'].id), retour: '/' }), 404, 'A takes B\'s task');
		eq(one(`SELECT COALESCE(CAST(done_at AS TEXT), 'open') || '|' || assignee_id FROM tasks WHERE id = ${btid}`), `open|${U['p.tsb'].id}`, 'B\'s task untouched');
		hasNot((await a.get('/')).body, 'TASK-B', 'B\'s task on A\'s home page');
	});

	test('persons: tasks — a follow-up task cannot be given to an accueil account (created or reassigned)', async () => {
		const id = need('L');
		const a = client('p.ts1');
		const accId = U['p.acc'].id;
		const r = await post(a, `/personnes/${id}/taches`, { text: 'Tâche confiée à l’accueil TASK-ACC', due: '', assignee: String(accId) });
		const given = count(`SELECT count(*) FROM tasks WHERE assignee_id = ${accId}`);
		if (given) {
			const acc = client('p.acc');
			const home = await acc.get('/');
			const accTask = Number(one(`SELECT max(id) FROM tasks WHERE assignee_id = ${accId}`));
			const done = await post(acc, `/taches/${accTask}/fait`, { fait: '1', retour: '/' });
			fail(`POST /personnes/${id}/taches with assignee=${accId} (accueil) → ${r.status}; the task is stored` +
			     (home.body.includes('TASK-ACC') ? ', its text shows in reception\'s "Mes tâches"' : '') +
			     `, and reception's "Terminée" on it answers ${done.status}`);
		}
		assert(r.status >= 400 && r.status < 500, `a task for accueil: expected a refusal, got ${r.status}`);
		const tid = Number(one(`SELECT id FROM tasks WHERE text = '${JTASK}'`));
		const re = await post(a, `/taches/${tid}/confier`, { assignee: String(accId), retour: '/' });
		eq(one(`SELECT assignee_id FROM tasks WHERE id = ${tid}`), String(U['p.ts1'].id), `assignee after reassigning to accueil (answer ${re.status})`);
	});

	/* ------------------------------------------------------------------ */
	/* Synthesis                                                           */

	test('persons: synthèse — for_person text and documents, never the private note nor the internal summary; PDF', async () => {
		const id = need('L');
		const a = client('p.ts1');
		const page = await a.get(`/personnes/${id}/synthese`);
		status(page, 200, 'synthèse page');
		const text = unescapeHtml(page.body);
		has(text, FOR_PERSON, 'what we did, for the person');
		has(text, DOCUMENTS, 'documents to bring');
		has(text, 'Amélie', 'the person\'s name');
		has(text, U['p.ts1'].name, 'who to contact (the referent)');
		for (const secret of ['NOTEPRIVEE-7f3a', 'violences', 'résumé-partagé-9c1', NIR, 'JTASK-55'])
			hasNot(text, secret, 'synthèse page');
		assert(auditCount('person.print_summary', id, U['p.ts1'].id) >= 1, 'person.print_summary audited');

		const pdf = await getBytes(a, `/personnes/${id}/synthese.pdf`);
		eq(pdf.status, 200, 'PDF status');
		assert(/^application\/pdf/.test(pdf.headers['content-type'] || ''), `PDF content type ${pdf.headers['content-type']}`);
		eq(pdf.bytes.subarray(0, 5).toString('latin1'), '%PDF-', 'PDF signature');
		has(pdf.bytes.toString('latin1'), '%%EOF', 'PDF end marker');
		hasNot(pdf.bytes.toString('latin1'), 'NOTEPRIVEE', 'the note in the PDF bytes');
		const has2txt = cp.spawnSync('pdftotext', ['-v'], { encoding: 'utf8' });
		if (!has2txt.error) {
			const file = path.join(dir, 'synthese.pdf');
			fs.writeFileSync(file, pdf.bytes);
			const t = cp.spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
			eq(t.status, 0, `pdftotext: ${t.stderr}`);
			const words = t.stdout.replace(/\s+/g, ' ');
			has(words, 'Amélie', 'the first name with its accent in the PDF text');
			has(words, 'LEFÈVRE', 'the family name with its accent in the PDF text');
			has(words, 'Dossier FSL déposé à la CAF', 'the for_person text in the PDF');
			has(words, 'quittances de loyer', 'the documents in the PDF');
			hasNot(words, 'NOTEPRIVEE', 'the private note in the PDF');
			hasNot(words, 'résumé-partagé', 'the internal summary in the PDF');
		}
	});

	test('persons: HTML in the names is escaped on every page (file, edit, search, duplicates, home, synthèse, access) and literal in the PDF', async () => {
		const a = client('p.ts1'), r = client('p.resp');
		const who = { birth_name: 'Xss<script>alert(1)</script>', first_names: 'Jo" autofocus onfocus="alert(2)', birth_date: '01/01/2001',
			      address: '<img src=x onerror=alert(3)>' };
		P.X = await createPerson(a, who);
		const id = P.X;
		eq(one(`SELECT birth_name FROM persons WHERE id = ${id}`), who.birth_name, 'stored as typed');
		await addEntryOk(a, id, { summary: 'x', for_person: 'Pour <b>vous</b>' }, 'entry');
		const bad = /<script>alert\(1\)|onfocus="alert\(2\)"|<img src=x|<b>vous<\/b>/i;
		const pages = {
			file: await a.get(`/personnes/${id}`),
			edit: await a.get(`/personnes/${id}/modifier`),
			search: await a.get('/personnes?q=xss'),
			duplicate: await createRaw(a, who),
			home: await a.get('/'),
			synthese: await a.get(`/personnes/${id}/synthese`),
			access: await r.get(`/personnes/${id}/acces`),
			consultations: await r.get(`/personnes/${id}/consultations`),
		};
		eq(pages.duplicate.status, 409, 'the same names again');
		for (const [name, res] of Object.entries(pages)) {
			assert(res.status === 200 || res.status === 409, `${name}: HTTP ${res.status}`);
			const m = bad.exec(res.body);
			assert(!m, `${name} page: raw ${JSON.stringify(m && m[0])}`);
			assert(/&lt;script&gt;|&lt;SCRIPT&gt;/.test(res.body), `${name} page: the name shown escaped`);
		}
		has(pages.edit.body, 'value="Jo&quot; autofocus onfocus=&quot;alert(2)"', 'the first names in the value attribute');
		const json = await r.get(`/personnes/${id}/acces?format=json`);
		eq(JSON.parse(json.body).donnees['Nom de naissance'], who.birth_name, 'the name as data in the JSON');
		const pdf = await getBytes(a, `/personnes/${id}/synthese.pdf`);
		eq(pdf.status, 200, 'PDF');
		if (!cp.spawnSync('pdftotext', ['-v']).error) {
			const file = path.join(dir, 'synthese-xss.pdf');
			fs.writeFileSync(file, pdf.bytes);
			const t = cp.spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
			has(t.stdout, 'XSS<SCRIPT>ALERT(1)</SCRIPT>', 'the name printed literally in the PDF');
			has(t.stdout, 'Pour <b>vous</b>', 'the text printed literally in the PDF');
		}
	});

	/* ------------------------------------------------------------------ */
	/* Right of access                                                     */

	test('persons: right of access (responsable) — HTML and valid JSON with the names, no private note; 403 for a worker', async () => {
		const id = need('L');
		const r = client('p.resp');
		const before = auditCount('person.access_export', id, U['p.resp'].id);
		const page = await r.get(`/personnes/${id}/acces`);
		status(page, 200, 'access page');
		const text = unescapeHtml(page.body);
		has(text, 'Lefèvre', 'birth name');
		has(text, 'Amélie', 'first names');
		has(text, 'résumé-partagé-9c1', 'the journal');
		hasNot(text, 'NOTEPRIVEE-7f3a', 'the private note in the access page');
		hasNot(page.body, '<script>alert("x")', 'raw script from the summary');
		const json = await r.get(`/personnes/${id}/acces?format=json`);
		status(json, 200, 'access JSON');
		assert(/^application\/json/.test(json.headers['content-type'] || ''), `JSON content type: ${json.headers['content-type']}`);
		let doc;
		try {
			doc = JSON.parse(json.body);
		} catch (e) {
			fail(`the access export is not valid JSON: ${e.message} — ${short(json.body, 300)}`);
		}
		eq(doc.dossier, fileNumber(id), 'file number');
		eq(doc.donnees['Nom de naissance'], 'Lefèvre', 'birth name in the JSON');
		eq(doc.donnees['Prénoms'], 'Amélie', 'first names in the JSON');
		assert(Array.isArray(doc.journal) && doc.journal.length >= 2, 'journal entries in the JSON');
		const e = doc.journal.find((x) => (x.compte_rendu || '').includes('résumé-partagé-9c1'));
		assert(e, 'the entry with the shared summary');
		eq(e.compte_rendu, SUMMARY, 'the summary as typed (HTML is data in JSON)');
		eq(e.note_privee_existante, true, 'the existence of a private note is said');
		hasNot(json.body, 'NOTEPRIVEE', 'the private note text in the JSON');
		hasNot(json.body, 'violences', 'the private note text in the JSON');
		eq(auditCount('person.access_export', id, U['p.resp'].id), before + 2, 'person.access_export audit rows');
		for (const who of ['p.ts1', 'p.acc']) {
			status(await client(who).get(`/personnes/${id}/acces`), 403, `${who} GET /acces`);
			status(await client(who).get(`/personnes/${id}/acces?format=json`), 403, `${who} GET /acces?format=json`);
		}
	});

	/* ------------------------------------------------------------------ */
	/* Audit of reads                                                      */

	test('persons: reading a file writes person.read; "who consulted" lists it for the responsable only', async () => {
		const id = need('L');
		const before = auditCount('person.read', id, U['p.ts2'].id);
		status(await client('p.ts2').get(`/personnes/${id}`), 200, 'the colleague reads the file');
		eq(auditCount('person.read', id, U['p.ts2'].id), before + 1, 'person.read rows for the colleague');
		const page = await client('p.resp').get(`/personnes/${id}/consultations`);
		status(page, 200, 'consultations page');
		const rows = [...page.body.matchAll(/<tr><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => m.slice(1).map(unescapeHtml));
		assert(rows.some((x) => x[1] === U['p.ts2'].name && x[2] === 'person.read'), `the colleague's read listed: ${JSON.stringify(rows.slice(0, 5))}`);
		assert(rows.some((x) => x[1] === U['p.ts1'].name && x[2] === 'person.nir_unmask'), 'the NIR unmasking listed');
		status(await client('p.ts1').get(`/personnes/${id}/consultations`), 403, 'a worker GET /consultations');
	});

	/* ------------------------------------------------------------------ */
	/* Merge                                                               */

	test('persons: merge — entries and tasks moved to the file kept, the duplicate archived with merged_into, audited', async () => {
		const a = client('p.ts1');
		const who = { civilite: 'M.', birth_name: 'Moreau', first_names: 'Gaël', birth_date: '21/09/1990' };
		P.M1 = await createPerson(a, who);
		status(await createRaw(a, who), 409, 'the second file is proposed as a duplicate');
		P.M2 = await createPerson(a, who, { autre_personne: '1' }, 'second file');
		const keep = P.M1, dup = P.M2, dupNumber = fileNumber(dup), keepNumber = fileNumber(keep);
		await addEntryOk(a, keep, { summary: 'KEEPMARK' }, 'entry on the file kept');
		await addEntryOk(a, dup, { summary: 'MERGEMARK', task_text: 'Tâche du doublon MERGETASK' }, 'entry on the duplicate');
		status(await post(a, `/personnes/${keep}/fusionner`, { doublon: keepNumber }), 400, 'merge a file into itself');
		status(await post(a, `/personnes/${keep}/fusionner`, { doublon: '2026-999999' }), 400, 'merge an unknown number');
		eq(one(`SELECT status FROM persons WHERE id = ${dup}`), 'active', 'duplicate after refused merges');
		redirect(await post(a, `/personnes/${keep}/fusionner`, { doublon: dupNumber }), `/personnes/${keep}`, 'merge');
		eq(count(`SELECT count(*) FROM journal_entries WHERE person_id = ${dup}`), 0, 'entries left on the duplicate');
		eq(count(`SELECT count(*) FROM journal_entries WHERE person_id = ${keep}`), 2, 'entries on the file kept');
		eq(count(`SELECT count(*) FROM tasks WHERE person_id = ${keep} AND text = 'Tâche du doublon MERGETASK'`), 1, 'task moved');
		eq(one(`SELECT status || '|' || merged_into FROM persons WHERE id = ${dup}`), `archived|${keep}`, 'the duplicate');
		eq(one(`SELECT status || '|' || COALESCE(CAST(merged_into AS TEXT), '') FROM persons WHERE id = ${keep}`), 'active|', 'the file kept');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'person.merge_into' AND object_id = ${keep} AND detail = '${dupNumber}'`), 1, 'person.merge_into audited');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'person.merged' AND object_id = ${dup} AND detail = '${keepNumber}'`), 1, 'person.merged audited');
		const page = await a.get(`/personnes/${keep}`);
		has(page.body, 'MERGEMARK', 'the duplicate\'s history on the file kept');
		has(page.body, 'KEEPMARK', 'the file\'s own history');
		eq((await search(a, 'moreau gael')).ids.join(), String(keep), 'search finds the file kept only');
		status(await a.get(`/personnes/${dup}`), 404, 'the archived duplicate for a worker');
		const r = await client('p.resp').get(`/personnes/${dup}`);
		status(r, 200, 'the archived duplicate for the responsable');
		has(r.body, 'archivé', 'shown as archived');
		/* Merging again is refused: the duplicate is archived. */
		status(await post(a, `/personnes/${keep}/fusionner`, { doublon: dupNumber }), 400, 'merge an archived file again');
	});

	/* ------------------------------------------------------------------ */
	/* Erasure                                                             */

	test('persons: erasure — without confirmer 400; with confirmer=1 anonymised, no longer found, person.erase audited', async () => {
		const a = client('p.ts1'), r = client('p.resp');
		P.E = await createPerson(a, { birth_name: 'Perrin', first_names: 'Odette', birth_date: '02/02/1950', phone: '07 98 76 54 32',
					      nir: nirWithKey('2500262123001'), postal_code: '59100', commune_name: 'Roubaix', email: 'odette@exemple.fr' });
		const id = P.E;
		await addEntryOk(a, id, { summary: 'ERASEMARK', for_person: 'ERASEFOR', private_note: 'ERASENOTE', duration: '30', 'theme_sante': '1' }, 'entry');
		status(await post(a, `/personnes/${id}/effacer`, { confirmer: '1' }), 403, 'a worker erases');
		status(await post(r, `/personnes/${id}/effacer`, {}), 400, 'erase without confirmer');
		eq(one(`SELECT birth_name || '|' || status FROM persons WHERE id = ${id}`), 'Perrin|active', 'the file after a refused erasure');
		redirect(await post(r, `/personnes/${id}/effacer`, { confirmer: '1' }), '/personnes', 'erase');
		eq(one(`SELECT birth_name || '|' || first_names || '|' || phone || '|' || nir || '|' || email || '|' || birth_date || '|' || status FROM persons WHERE id = ${id}`),
		   'ANONYME|||||1950-01-01|anonymised', 'anonymised file');
		eq(one(`SELECT summary || '|' || for_person || '|' || CASE WHEN private_note IS NULL THEN 'NULL' ELSE hex(private_note) END || '|' || duration_min || '|' || themes FROM journal_entries WHERE person_id = ${id}`),
		   '||NULL|30|sante', 'journal: texts erased, statistics kept');
		eq(count(`SELECT count(*) FROM person_names WHERE person_id = ${id}`), 0, 'name index rows');
		eq(auditCount('person.erase', id, U['p.resp'].id), 1, 'person.erase audited');
		for (const text of ['perrin', 'Odette', '02/02/1950', '0798765432'])
			assert(!(await search(a, text)).ids.includes(id), `search "${text}" still finds the erased file`);
		status(await r.get(`/personnes/${id}`), 404, 'the erased file for the responsable');
		status(await a.get(`/personnes/${id}`), 404, 'the erased file for a worker');
	});

	test('persons: erasure — the file number no longer finds the anonymised file', async () => {
		const id = need('E');
		const s = await search(client('p.ts1'), fileNumber(id));
		assert(!s.ids.includes(id), `search by file number ${fileNumber(id)} lists the anonymised file: ${short(textOf(s.table), 200)}`);
	});

	/* ------------------------------------------------------------------ */

	test('persons: lien audit verify accepts the log after the file tests', async () => {
		const r = lien('audit', 'verify', '--db', DB);
		eq(r.code, 0, `lien audit verify exit code (${r.stderr.trim()})`);
		for (const a of ['person.create', 'person.read', 'person.update', 'person.nir_unmask', 'person.search', 'journal.add', 'task.add',
				 'task.done', 'person.referent_add', 'person.print_summary', 'person.access_export', 'person.merge_into', 'person.merged', 'person.erase'])
			assert(count(`SELECT count(*) FROM audit_log WHERE action = '${a}'`) > 0, `audit rows for ${a}`);
	});
};
