/*
 * HTTP tests of the import of people from a spreadsheet (heads of service):
 * GET/POST /personnes/import, a multipart/form-data upload with the parts
 * csrf, fichier, info_date, info_method, dry_run and skip_bad.
 *
 * Loaded by run.js, which passes its harness and helpers:
 *   require('./import')({ test, assert, ..., get main() { return main; } })
 * The tests run in order and share the files imported by the earlier ones.
 * The setup test starts one more server, "upl": the same database with
 * --max-upload 4096, for the upload cap; run.js's "small" (--max-body 2048)
 * checks that ordinary forms keep their own cap. The test of a long file
 * starts its own server, "imp-long", and kills it afterwards so that a
 * server still busy with the file slows down nothing else.
 */
'use strict';

const crypto = require('node:crypto');

module.exports = function importTests(h) {
	const {
		test, assert, eq, has, status, fail, textOf, short, lienOk, sql,
		Client, Server, csrfOf, loginOk, enrolTotp, resetThrottle, unescapeHtml,
		PW, DB, STRUCT_A,
	} = h;

	const U = {};           /* login -> { id, client, csrf } */
	let upl = null;         /* a server on the same database with --max-upload 4096 */

	const USERS = [
		[STRUCT_A, 'imp.resp', 'Ingrid Importatrice', 'responsable'],
		[STRUCT_A, 'imp.ts', 'Igor Social', 'travailleur_social'],
		[STRUCT_A, 'imp.acc', 'Iris Guichet', 'accueil'],
	];
	const INFO_DATE = '15/01/2025';

	function user(login) {
		if (!U[login] || !U[login].client)
			fail(`${login} was not logged in by the setup test`);
		return U[login];
	}

	function count(statement) {
		return Number(sql(DB, statement));
	}

	const persons = () => count('SELECT count(*) FROM persons');

	function q(s) {
		return String(s).replace(/'/g, "''");
	}

	/* ------------------------------------------------------------------ */
	/* multipart/form-data                                                 */

	/* parts: [{ name, value }] text parts, [{ name, filename, type, data }]
	 * file parts (data: string or Buffer). Raw headers with { raw: '...' }
	 * replace the part's own header block. */
	function multipart(parts, boundary = '----LienTest' + crypto.randomBytes(8).toString('hex')) {
		const chunks = [];
		for (const p of parts) {
			chunks.push(Buffer.from(`--${boundary}\r\n`));
			if (p.raw !== undefined)
				chunks.push(Buffer.from(p.raw, 'latin1'));
			else if (p.filename !== undefined)
				chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\n` +
							`Content-Type: ${p.type || 'text/csv'}\r\n`));
			else
				chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n`));
			chunks.push(Buffer.from('\r\n'));
			const data = p.data !== undefined ? p.data : p.value;
			chunks.push(Buffer.isBuffer(data) ? data : Buffer.from(String(data), 'utf8'));
			chunks.push(Buffer.from('\r\n'));
		}
		chunks.push(Buffer.from(`--${boundary}--\r\n`));
		return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}`, boundary };
	}

	/* The form as a browser sends it: csrf first, the file, then the fields
	 * (a checkbox left unticked is not sent). `file` null: no file part. */
	function importParts({ csrf, file, filename = 'personnes.csv', info_date = INFO_DATE, info_method = 'paper', dry_run, skip_bad }) {
		const parts = [];
		if (csrf !== undefined)
			parts.push({ name: 'csrf', value: csrf });
		if (file !== null && file !== undefined)
			parts.push({ name: 'fichier', filename, type: 'text/csv', data: file });
		if (info_date !== undefined)
			parts.push({ name: 'info_date', value: info_date });
		if (info_method !== undefined)
			parts.push({ name: 'info_method', value: info_method });
		if (dry_run)
			parts.push({ name: 'dry_run', value: '1' });
		if (skip_bad)
			parts.push({ name: 'skip_bad', value: '1' });
		return parts;
	}

	function postMultipart(c, url, mp, { server, headers = {} } = {}) {
		return c.req('POST', url, { server, headers: { 'Content-Type': mp.contentType, ...headers }, body: mp.body });
	}

	/* POST /personnes/import as `login`, with its session's token unless
	 * `csrf` is given (null: no csrf part). */
	async function upload(login, opts = {}, { server } = {}) {
		const u = user(login);
		const csrf = opts.csrf === null ? undefined : opts.csrf !== undefined ? opts.csrf : u.csrf;
		return postMultipart(u.client, '/personnes/import', multipart(importParts({ ...opts, csrf })), { server });
	}

	/* The items of the report's list of problems, as text. */
	function problems(html) {
		const at = html.indexOf('id="resultat-zone"');
		if (at < 0)
			fail(`no report on the page: ${short(textOf(html), 300)}`);
		const zone = html.slice(at, html.indexOf('</section>', at));
		return [...zone.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => unescapeHtml(m[1]));
	}

	function reportText(html) {
		const at = html.indexOf('id="resultat-zone"');
		if (at < 0)
			fail(`no report on the page: ${short(textOf(html), 300)}`);
		return unescapeHtml(html.slice(at, html.indexOf('</section>', at)).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));
	}

	function problemOf(list, line, what) {
		const p = list.find((x) => x.startsWith(`Ligne ${line} : `));
		if (!p)
			fail(`${what}: "Ligne ${line}" not listed among ${JSON.stringify(list)}`);
		return p;
	}

	/* Windows-1252 bytes of a string (Latin-1 plus the few 0x80-0x9F letters used here). */
	function cp1252(s) {
		const extra = { 'œ': 0x9c, 'Œ': 0x8c, '€': 0x80, '’': 0x92, 'Ÿ': 0x9f };
		return Buffer.from([...s].map((ch) => {
			if (extra[ch] !== undefined)
				return extra[ch];
			const cp = ch.codePointAt(0);
			if (cp > 0xff || (cp >= 0x80 && cp < 0xa0))
				throw new Error(`no Windows-1252 byte for ${ch}`);
			return cp;
		}));
	}

	/* A CSV of 3 good lines and 2 bad ones (line 3: 31/02/1980; line 5: a
	 * postal code of 4 digits). Line numbers count the header as line 1. */
	const GOOD = [
		['Abadimport', 'Anaïs', '1981-02-14'],
		['Bréhimport', 'Cédric', '1975-07-22'],
		['Cazimport', 'Éloïse', '1999-11-09'],
	];
	const MIXED = [
		'Civilité;Nom;Prénom;Date de naissance;Code postal;Ville',
		'Mme;Abadimport;Anaïs;14/02/1981;59100;Roubaix',
		'M.;Dumimport;Bastien;31/02/1980;59000;Lille',
		'M.;Bréhimport;Cédric;22/07/1975;59650;Villeneuve-d\'Ascq',
		'Mme;Estimport;Denise;03/03/1963;5910;Roubaix',
		'Mme;Cazimport;Éloïse;09/11/1999;;',
	].join('\r\n') + '\r\n';
	const mixedNames = "birth_name IN ('Abadimport', 'Dumimport', 'Bréhimport', 'Estimport', 'Cazimport')";

	/* ------------------------------------------------------------------ */
	/* Setup                                                               */

	test('import: setup — a responsable (TOTP), a worker and reception of A logged in; an --max-upload 4096 server', async () => {
		for (const [s, l, n, r] of USERS) {
			lienOk('user', 'add', '--db', DB, '--structure', s, '--login', l, '--name', n, '--role', r, '--password', PW);
			U[l] = { id: count(`SELECT id FROM users WHERE login = '${l}'`) };
		}
		resetThrottle();
		for (const [, l, , r] of USERS) {
			const c = new Client(h.main);
			if (r === 'responsable')
				await enrolTotp(c, l);
			else
				await loginOk(c, l);
			const home = await c.get('/');
			status(home, 200, `home of ${l}`);
			U[l].client = c;
			U[l].csrf = csrfOf(home.body);
		}
		upl = new Server('upl', DB, ['--max-upload', '4096']);
		await upl.start();
	});

	/* ------------------------------------------------------------------ */
	/* Access                                                              */

	test('import: the form (responsable); accueil and travailleur_social → 403 on GET and POST; no csrf → 403', async () => {
		const form = await user('imp.resp').client.get('/personnes/import');
		status(form, 200, 'GET /personnes/import (responsable)');
		has(form.body, 'action="/personnes/import"', 'the form posts to /personnes/import');
		has(form.body, 'enctype="multipart/form-data"', 'multipart form');
		for (const f of ['csrf', 'fichier', 'info_date', 'info_method', 'dry_run', 'skip_bad'])
			has(form.body, `name="${f}"`, `form field ${f}`);
		has(form.body, 'type="file"', 'a file input');

		const before = persons();
		for (const l of ['imp.acc', 'imp.ts']) {
			status(await user(l).client.get('/personnes/import'), 403, `${l} GET /personnes/import`);
			const r = await upload(l, { file: MIXED, skip_bad: true });
			status(r, 403, `${l} POST /personnes/import with its own valid token`);
		}
		const none = await upload('imp.resp', { csrf: null, file: MIXED, skip_bad: true });
		status(none, 403, 'POST /personnes/import without csrf');
		const wrong = await upload('imp.resp', { csrf: crypto.randomBytes(32).toString('base64url'), file: MIXED, skip_bad: true });
		status(wrong, 403, 'POST /personnes/import with another token');
		eq(persons(), before, 'files written by refused requests');
		eq(count(`SELECT count(*) FROM persons WHERE ${mixedNames}`), 0, 'lines of the file imported by a refused request');
	});

	/* ------------------------------------------------------------------ */
	/* Checking and importing                                              */

	test('import: dry run of 3 good and 2 bad lines → 422 listing "Ligne 3" and "Ligne 5" with reasons; nothing written', async () => {
		const before = persons(), audits = count("SELECT count(*) FROM audit_log WHERE action = 'person.create'");
		const r = await upload('imp.resp', { file: MIXED, dry_run: true });
		status(r, 422, 'dry run with bad lines');
		const list = problems(r.body);
		has(problemOf(list, 3, 'dry run'), 'Date de naissance', 'line 3 names the field');
		has(problemOf(list, 3, 'dry run'), 'impossible', 'line 3 gives the reason');
		has(problemOf(list, 5, 'dry run'), 'Code postal', 'line 5 names the field');
		has(problemOf(list, 5, 'dry run'), '5 chiffres', 'line 5 gives the reason');
		for (const n of [2, 4, 6])
			assert(!list.some((x) => x.startsWith(`Ligne ${n} `)), `good line ${n} listed as a problem: ${JSON.stringify(list)}`);
		const text = reportText(r.body);
		has(text, '5 ligne(s) lue(s), 2 en erreur', 'counts');
		has(text, "rien n'a été enregistré", 'says nothing was saved');
		eq(persons(), before, 'files after a dry run');
		eq(count("SELECT count(*) FROM audit_log WHERE action = 'person.create'"), audits, 'person.create rows after a dry run');
		/* Dry run and skip_bad: the 3 good lines are importable, still nothing written. */
		const r2 = await upload('imp.resp', { file: MIXED, dry_run: true, skip_bad: true });
		status(r2, 200, 'dry run with skip_bad');
		has(reportText(r2.body), "3 importable(s) — rien n'a encore été enregistré", 'importable count');
		eq(persons(), before, 'files after a dry run with skip_bad');
	});

	test('import: skip_bad=1 → the 3 good lines imported and audited, the page says so; again → refused as duplicates', async () => {
		const resp = user('imp.resp');
		const before = persons();
		const r = await upload('imp.resp', { file: MIXED, skip_bad: true });
		status(r, 200, 'import with skip_bad');
		assert(/<title>Import terminé – /.test(r.body), `page title: ${short((/<title>([^<]*)/.exec(r.body) || [])[1])}`);
		const text = reportText(r.body);
		has(text, 'Import terminé', 'heading');
		has(text, '3 personne(s) importée(s)', 'imported count');
		const list = problems(r.body);
		problemOf(list, 3, 'import');
		problemOf(list, 5, 'import');
		eq(persons(), before + 3, 'files after the import');
		const rows = sql(DB, `SELECT birth_name || '|' || first_names || '|' || birth_date || '|' || info_date || '|' || info_method || '|' || structure_id || '|' || created_by
				      FROM persons WHERE ${mixedNames} ORDER BY birth_name`).split('\n');
		const sid = sql(DB, `SELECT structure_id FROM users WHERE id = ${resp.id}`);
		eq(rows.join('\n'), GOOD.map(([n, f, d]) => `${n}|${f}|${d}|2025-01-15|paper|${sid}|${resp.id}`).join('\n'), 'imported rows');
		eq(sql(DB, "SELECT commune_insee FROM persons WHERE birth_name = 'Abadimport'"), '59512', 'commune resolved (Roubaix)');
		const ids = sql(DB, `SELECT id FROM persons WHERE ${mixedNames}`).split('\n');
		for (const id of ids)
			eq(count(`SELECT count(*) FROM audit_log WHERE action = 'person.create' AND object_type = 'person' AND object_id = ${id} AND user_id = ${resp.id}`), 1,
			   `person.create audit row for file ${id}`);

		/* The same file again: every good line is now a duplicate. */
		const again = await upload('imp.resp', { file: MIXED, skip_bad: true });
		status(again, 200, 'the same file again with skip_bad');
		const list2 = problems(again.body);
		for (const n of [2, 4, 6])
			has(problemOf(list2, n, 'second import'), 'doublon', `line ${n} of the second import`);
		has(reportText(again.body), '0 personne(s) importée(s)', 'imported count of the second import');
		/* Without skip_bad: refused, nothing written either. */
		const strict = await upload('imp.resp', { file: MIXED });
		status(strict, 422, 'the same file again without skip_bad');
		has(problemOf(problems(strict.body), 2, 'strict second import'), 'doublon', 'line 2 without skip_bad');
		eq(persons(), before + 3, 'files after importing the same file again');
	});

	test('import: a Windows-1252 file with "," separators keeps its accents', async () => {
		const csv = cp1252('Nom,Prénom,Date de naissance,Ville,Code postal\r\n' +
				   'Légerimport,Angèle,05/06/1970,Lille,59000\r\n' +
				   'Bœufimport,Françoise Ève,12/12/1962,Roubaix,59100\r\n');
		assert(!csv.includes(Buffer.from('è')), 'the test file is not UTF-8');
		const before = persons();
		const r = await upload('imp.resp', { file: csv, filename: 'export-excel.csv' });
		status(r, 200, 'Windows-1252 import');
		has(reportText(r.body), '2 personne(s) importée(s)', 'imported count');
		eq(persons(), before + 2, 'files after the import');
		eq(sql(DB, "SELECT birth_name || '|' || first_names || '|' || birth_date FROM persons WHERE birth_name LIKE 'L%gerimport'"),
		   'Légerimport|Angèle|1970-06-05', 'first line in UTF-8');
		eq(sql(DB, "SELECT birth_name || '|' || first_names || '|' || commune_insee FROM persons WHERE birth_name LIKE 'B%ufimport'"),
		   'Bœufimport|Françoise Ève|59512', 'second line (œ is 0x9C in Windows-1252)');
	});

	/* ------------------------------------------------------------------ */
	/* Errors of the form                                                  */

	test('import: no file → 422 on the field "fichier"; no information date and no such column → a clear message', async () => {
		const before = persons();
		const check = (r, what) => {
			status(r, 422, what);
			const m = /<p class="field-error" id="fichier-erreur">([^<]*)<\/p>/.exec(r.body);
			assert(m, `${what}: no error next to the field fichier — ${short(textOf(r.body), 300)}`);
			assert(unescapeHtml(m[1]).length > 10, `${what}: message ${JSON.stringify(m[1])}`);
			const tag = /<input id="fichier"[^>]*>/.exec(r.body);
			assert(tag && /aria-invalid="true"/.test(tag[0]) && /aria-describedby="fichier-erreur"/.test(tag[0]), `${what}: file input ${tag && tag[0]}`);
			has(r.body, '<a href="#fichier">', `${what}: the error summary links to the field`);
		};
		check(await upload('imp.resp', { file: null, skip_bad: true }), 'no fichier part');
		/* What a browser sends when no file was chosen: an empty part with filename="". */
		const empty = await upload('imp.resp', { file: '', filename: '', skip_bad: true });
		check(empty, 'an empty fichier part');
		has(empty.body, `value="${INFO_DATE}"`, 'the information date is typed back');

		const csv = 'Nom;Prénom;Date de naissance\nSansdatimport;Hélène;01/01/1990\n';
		const r = await upload('imp.resp', { file: csv, info_date: '', skip_bad: true });
		status(r, 422, 'no information date');
		const list = problems(r.body);
		const msg = list.find((x) => /date d.information/i.test(x));
		assert(msg, `no message about the information date: ${JSON.stringify(list)}`);
		eq(count("SELECT count(*) FROM persons WHERE birth_name = 'Sansdatimport'"), 0, 'file written without an information date');
		eq(persons(), before, 'files written by refused forms');
		/* Said for the web form, not for the command line. */
		assert(!/--[a-z]/.test(msg), `the message tells a web user to use a command-line option: ${JSON.stringify(msg)}`);
	});

	/* ------------------------------------------------------------------ */
	/* Malformed multipart bodies                                          */

	test('import: malformed multipart (no boundary, no closing boundary, part without name, invalid UTF-8, NUL) → 400, no crash', async () => {
		const u = user('imp.resp');
		const before = persons();
		const csv = 'Nom;Prénom;Date de naissance\nMalformimport;Odile;02/03/1991\n';
		const good = () => multipart(importParts({ csrf: u.csrf, file: csv, skip_bad: true }));
		const send = (mp, contentType = mp.contentType, body = mp.body) =>
			u.client.req('POST', '/personnes/import', { headers: { 'Content-Type': contentType }, body });
		const cases = [];
		let mp = good();
		cases.push(['no boundary in Content-Type', await send(mp, 'multipart/form-data')]);
		mp = good();
		cases.push(['an empty boundary', await send(mp, 'multipart/form-data; boundary=')]);
		mp = good();
		cases.push(['a boundary of 71 characters', await send(multipart(importParts({ csrf: u.csrf, file: csv, skip_bad: true }), 'b'.repeat(71)))]);
		mp = good();
		cases.push(['a boundary absent from the body', await send(mp, 'multipart/form-data; boundary=autrechose')]);
		mp = good();
		cases.push(['no closing boundary', await send(mp, mp.contentType, mp.body.subarray(0, mp.body.length - `--${mp.boundary}--\r\n`.length))]);
		mp = good();
		cases.push(['a body cut inside the file', await send(mp, mp.contentType, mp.body.subarray(0, mp.body.indexOf('Malformimport') + 5))]);
		mp = good();
		cases.push(['a body cut inside part headers', await send(mp, mp.contentType, mp.body.subarray(0, mp.body.indexOf('filename=')))]);
		cases.push(['a file part without a name', await send(multipart([
			{ name: 'csrf', value: u.csrf },
			{ raw: 'Content-Disposition: form-data; filename="p.csv"\r\nContent-Type: text/csv\r\n', data: csv },
			{ name: 'info_date', value: INFO_DATE }, { name: 'skip_bad', value: '1' }]))]);
		cases.push(['a text part with name=""', await send(multipart([
			{ name: 'csrf', value: u.csrf }, { name: 'fichier', filename: 'p.csv', data: csv }, { name: '', value: 'x' },
			{ name: 'info_date', value: INFO_DATE }, { name: 'skip_bad', value: '1' }]))]);
		cases.push(['a part without Content-Disposition', await send(multipart([
			{ name: 'csrf', value: u.csrf }, { name: 'fichier', filename: 'p.csv', data: csv },
			{ raw: 'Content-Type: text/plain\r\n', data: 'x' }, { name: 'info_date', value: INFO_DATE }, { name: 'skip_bad', value: '1' }]))]);
		for (const [what, bytes] of [['invalid UTF-8 (0xFF)', Buffer.from([0x31, 0xff, 0x2f])], ['an overlong "/" (C0 AF)', Buffer.from([0xc0, 0xaf])],
					     ['a lone surrogate (ED A0 80)', Buffer.from([0xed, 0xa0, 0x80])], ['a NUL byte', Buffer.from('15/01\x002025', 'latin1')]])
			cases.push([`${what} in a text part`, await send(multipart([
				{ name: 'csrf', value: u.csrf }, { name: 'fichier', filename: 'p.csv', data: csv },
				{ name: 'info_date', data: bytes }, { name: 'skip_bad', value: '1' }]))]);
		cases.push(['invalid UTF-8 in a part name', await send(multipart([
			{ name: 'csrf', value: u.csrf }, { name: 'fichier', filename: 'p.csv', data: csv },
			{ raw: 'Content-Disposition: form-data; name="info\xffdate"\r\n', data: INFO_DATE }, { name: 'skip_bad', value: '1' }]))]);
		const wrong = cases.filter(([, r]) => r.status !== 400).map(([what, r]) => `${what} → ${r.status} (${short(textOf(r.body), 80)})`);
		assert(wrong.length === 0, `expected 400 for: ${wrong.join('; ')}`);
		for (const [what, r] of cases)
			has(r.body, 'Demande incorrecte', `${what}: the 400 page`);
		eq(count("SELECT count(*) FROM persons WHERE birth_name = 'Malformimport'"), 0, 'file written from a malformed body');
		eq(persons(), before, 'files written by malformed bodies');
		/* The well-formed body is accepted (the cases above differ from it only by the defect). */
		const ok = await send(multipart(importParts({ csrf: u.csrf, file: csv, skip_bad: true, dry_run: true })));
		status(ok, 200, 'the well-formed body, dry run');
		/* A quoted boundary (RFC 2046) is accepted. */
		const qb = multipart(importParts({ csrf: u.csrf, file: csv, dry_run: true }), 'quoted-boundary-42');
		status(await send(qb, 'multipart/form-data; boundary="quoted-boundary-42"'), 200, 'a quoted boundary');
		status(await h.request(h.main.port, 'GET', '/sante'), 200, 'the server answers after the malformed bodies');
	});

	/* ------------------------------------------------------------------ */
	/* Size limits                                                         */

	function bigCsv(bytes, name) {
		let csv = 'Nom;Prénom;Date de naissance\n';
		for (let i = 0; Buffer.byteLength(csv) < bytes; i++)
			csv += `${name};Prénom${String(i).padStart(4, '0')};01/01/1970\n`;
		return csv;
	}

	test('import: over --max-upload → 413 (also chunked), under it accepted; --max-body does not cap uploads', async () => {
		if (!upl)
			fail('the "upl" server was not started by the setup test');
		const u = user('imp.resp');
		const before = persons();
		const over = multipart(importParts({ csrf: u.csrf, file: bigCsv(5000, 'Tropimport'), skip_bad: true }));
		assert(over.body.length > 4096, 'the body is over the cap');
		const r = await postMultipart(u.client, '/personnes/import', over, { server: upl });
		status(r, 413, `a ${over.body.length}-byte upload with --max-upload 4096`);
		has(r.body, 'Envoi trop volumineux', '413 page');
		const chunked = await postMultipart(u.client, '/personnes/import', over, { server: upl, headers: { 'Transfer-Encoding': 'chunked' } });
		status(chunked, 413, 'the same body, chunked');
		eq(count("SELECT count(*) FROM persons WHERE birth_name = 'Tropimport'"), 0, 'files written from a refused upload');
		eq(persons(), before, 'files after the refused uploads');
		/* Under the cap: checked (dry run). */
		const under = multipart(importParts({ csrf: u.csrf, file: bigCsv(3000, 'Sousimport'), dry_run: true }));
		assert(under.body.length < 4096 && under.body.length > 2048, `body of ${under.body.length} bytes`);
		const ok = await postMultipart(u.client, '/personnes/import', under, { server: upl });
		status(ok, 200, `a ${under.body.length}-byte upload with --max-upload 4096 (dry run)`);
		has(reportText(ok.body), 'Vérification réussie', 'checked');
		/* "small" has --max-body 2048 and the default upload cap. */
		const small = await postMultipart(u.client, '/personnes/import', under, { server: h.small });
		status(small, 200, `a ${under.body.length}-byte upload with --max-body 2048`);
		eq(persons(), before, 'files after dry runs');
		status(await h.request(upl.port, 'GET', '/sante'), 200, 'upl answers after the refused uploads');
	});

	test('import: a spreadsheet of 24,000 lines (350 KB) is checked within 4 s', async () => {
		/* Its own server, killed afterwards: a server still busy with the
		 * file must not slow the other tests down nor delay the final stop. */
		const u = user('imp.resp');
		const srv = new Server('imp-long', DB);
		await srv.start();
		const N = 24000;
		let csv = 'Nom;Prénom\n';
		for (let i = 0; i < N; i++)
			csv += `Lot${i};P${i}\n`;
		const mp = multipart(importParts({ csrf: u.csrf, file: csv, dry_run: true }));
		const t0 = Date.now();
		let r = null, error = null;
		try {
			const pending = postMultipart(u.client, '/personnes/import', mp, { server: srv }).catch((e) => { error = e; return null; });
			r = await Promise.race([pending, new Promise((res) => setTimeout(() => res(null), 4000))]);
		} finally {
			srv.stopping = true;
			if (r)
				await srv.stop();
			else
				srv.proc.kill('SIGKILL');
		}
		assert(r, `no answer after ${Date.now() - t0} ms for a ${mp.body.length}-byte file of ${N} lines (dry run)` +
		       (error ? ` (${error.message})` : '') + ': the check of a file grows with the square of its lines');
		status(r, 200, `dry run of ${N} lines`);
		has(reportText(r.body), `${N} importable(s)`, 'every line checked');
		eq(count("SELECT count(*) FROM persons WHERE birth_name GLOB 'Lot[0-9]*'"), 0, 'files written by a dry run');
	});

	test('import: the upload cap is for the import only — a multipart body to another route is held to --max-body', async () => {
		/* "small": --max-body 2048, upload cap 16 MB by default. */
		const u = user('imp.resp');
		const filler = 'x'.repeat(3000);
		/* Anonymous: the login form sent as multipart. */
		const anon = new Client(h.small);
		await anon.get('/connexion');
		const login = multipart([{ name: 'csrf', value: anon.jar.get('lien_pre') }, { name: 'suite', value: '/' },
					 { name: 'identifiant', value: 'imp.nobody' }, { name: 'mot_de_passe', value: 'x' }, { name: 'remplissage', value: filler }]);
		const r1 = await postMultipart(anon, '/connexion', login);
		/* Logged in: the new-file form sent as multipart. */
		const person = multipart([{ name: 'csrf', value: u.csrf }, { name: 'civilite', value: 'Mme' }, { name: 'birth_name', value: 'Grosformimport' },
					  { name: 'first_names', value: 'Léa' }, { name: 'preferred_channel', value: 'telephone' }, { name: 'protection', value: 'aucune' },
					  { name: 'info_date', value: INFO_DATE }, { name: 'info_method', value: 'paper' }, { name: 'resources', value: filler }]);
		const r2 = await postMultipart(u.client, '/personnes', person, { server: h.small });
		const created = count("SELECT count(*) FROM persons WHERE birth_name = 'Grosformimport'");
		assert(r1.status === 413 && r2.status === 413,
		       `with --max-body 2048, a ${login.body.length}-byte multipart POST /connexion (no session) → ${r1.status}, ` +
		       `a ${person.body.length}-byte multipart POST /personnes → ${r2.status}${created ? ' and the file is created' : ''}: ` +
		       'any route takes bodies up to --max-upload when they are sent as multipart');
		/* Refused as soon as announced, as a form over --max-body is: not
		 * after the server has received and held up to --max-upload bytes. */
		const head = `POST /connexion HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n` +
			     `Content-Length: 1000000\r\nConnection: close\r\n\r\n`;
		const form = await h.raw(h.small.port, head.replace('multipart/form-data; boundary=x', 'application/x-www-form-urlencoded'), { wait: 1500 });
		eq(form.status, 413, 'an urlencoded body of 1 MB announced to --max-body 2048 (answered before the body)');
		const early = await h.raw(h.small.port, head, { wait: 1500 });
		eq(early.status, 413, 'a multipart body of 1 MB announced to POST /connexion with --max-body 2048 (answered before the body, ' +
		   'as for a form; 0: the server waits for the whole body)');
	});

	/* ------------------------------------------------------------------ */
	/* Escaping                                                            */

	test('import: HTML in a CSV cell, a column title and the file name is shown escaped on the report page', async () => {
		const name = '<script>x</script>';
		const csv = `Nom;Prénom;Date de naissance;<img src=x onerror=alert(1)>\n${name};Zoé;01/02/2003;a\n`;
		const r = await upload('imp.resp', { file: csv, filename: '<b>liste</b>.csv', skip_bad: true });
		status(r, 200, 'import of a name with HTML');
		const raw = /<script>x|<img src=x|<b>liste/i;
		assert(!raw.test(r.body), `raw HTML on the report page: ${JSON.stringify((raw.exec(r.body) || [])[0])}`);
		has(r.body, '&lt;img src=x onerror=alert(1)&gt;', 'the unknown column title, escaped');
		has(r.body, '&lt;b&gt;liste&lt;/b&gt;.csv', 'the file name, escaped');
		has(reportText(r.body), '1 personne(s) importée(s)', 'imported');
		eq(sql(DB, "SELECT first_names FROM persons WHERE birth_name = '" + q(name) + "'"), 'Zoé', 'stored as typed');
		/* Again: the duplicate's message names the existing file, with the name. */
		const again = await upload('imp.resp', { file: csv, skip_bad: true });
		status(again, 200, 'the same file again');
		const dup = problemOf(problems(again.body), 2, 'second import');
		has(dup, 'doublon', 'line 2 of the second import');
		has(dup.toLowerCase(), name, 'the duplicate\'s name in the message (any case)');
		assert(!/<script>x/i.test(again.body), 'raw <script> on the duplicate report');
		assert(/&lt;script&gt;x&lt;\/script&gt;/i.test(again.body), 'the name, escaped, on the duplicate report');
	});
};
