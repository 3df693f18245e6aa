#!/usr/bin/env node
/*
 * Documents through a running server, for the backup case (t0011):
 *   node documents.js upload PORT LOGIN PASSWORD N DIR   a new file, N documents
 *        uploaded to it (PDF and PNG of various sizes, around 64 KiB), named
 *        DIR-1.pdf, DIR-2.png…; each one sent is kept as DIR/<its name>
 *   node documents.js check PORT LOGIN PASSWORD ROOT ID=NAME...
 *        downloads /documents/ID and compares its bytes with ROOT/DIR/NAME
 * Prints one line per document and exits non-zero on the first mismatch.
 * Node built-ins only; every request goes to 127.0.0.1.
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { request, form, cookieOf, csrfOf } = require('../lib/http');

function raw(port, method, p, { cookie, body, type } = {}) {
	return new Promise((resolve, reject) => {
		const headers = { Cookie: cookie };
		if (body) {
			headers['Content-Type'] = type;
			headers['Content-Length'] = body.length;
		}
		const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, agent: false }, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks) }));
			res.on('error', reject);
		});
		req.on('error', reject);
		if (body)
			req.write(body);
		req.end();
	});
}

async function login(port, user, password) {
	const page = await request(port, 'GET', '/connexion');
	const pre = cookieOf(page, 'lien_pre');
	const r = await request(port, 'POST', '/connexion', {
		cookie: `lien_pre=${pre}`, body: form({ csrf: pre, identifiant: user, mot_de_passe: password }) });
	const session = cookieOf(r, 'lien_session');
	if (r.status !== 303 || !session)
		throw new Error(`connexion refusée (${r.status})`);
	const cookie = `lien_session=${session}`;
	const home = await request(port, 'GET', '/compte', { cookie });
	return { cookie, csrf: csrfOf(home.body) };
}

function multipart(fields, file) {
	const boundary = '----LienBackup' + crypto.randomBytes(8).toString('hex');
	const parts = [];
	for (const [name, value] of Object.entries(fields))
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
	parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="fichier"; filename="${file.name}"\r\n` +
		`Content-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from(`\r\n--${boundary}--\r\n`));
	return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

async function upload(port, user, password, n, dir) {
	const s = await login(port, user, password);
	const r = await request(port, 'POST', '/personnes', { cookie: s.cookie, body: form({
		csrf: s.csrf, birth_name: 'Sauvegarde', first_names: 'Alix', birth_date: '01/02/1990',
		preferred_channel: 'courrier', protection: 'aucune', info_date: '01/01/2026', info_method: 'paper',
		autre_personne: '1' }) });
	const m = /\/personnes\/(\d+)$/.exec(r.headers.location || '');
	if (r.status !== 303 || !m)
		throw new Error(`création du dossier refusée (${r.status})`);
	const person = m[1];
	fs.mkdirSync(dir, { recursive: true });
	for (let i = 1; i <= Number(n); i++) {
		const png = i % 2 === 0;
		const head = png ? Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) : Buffer.from('%PDF-1.4\n');
		/* Sizes around the backup's 64 KiB chunks. */
		const size = [700, 65536, 150000, 30000, 65519][i % 5] + i;
		const file = { name: `${path.basename(dir)}-${i}.${png ? 'png' : 'pdf'}`, type: png ? 'image/png' : 'application/pdf',
			data: Buffer.concat([head, crypto.randomBytes(size)]) };
		const mp = multipart({ csrf: s.csrf, objet: 'person', objet_id: person }, file);
		const u = await raw(port, 'POST', `/personnes/${person}/documents`, { cookie: s.cookie, body: mp.body, type: mp.type });
		if (u.status !== 303)
			throw new Error(`${file.name} refusé (${u.status}) : ${u.bytes.toString().slice(0, 300)}`);
		fs.writeFileSync(path.join(dir, file.name), file.data);
		console.log(`envoyé ${file.name} (${file.data.length} octets)`);
	}
}

async function check(port, user, password, dir, pairs) {
	const s = await login(port, user, password);
	for (const pair of pairs) {
		const [id, name] = pair.split('=');
		const r = await raw(port, 'GET', `/documents/${id}`, { cookie: s.cookie });
		const want = fs.readFileSync(path.join(dir, name.replace(/-.*/, ''), name));
		if (r.status !== 200 || !r.bytes.equals(want))
			throw new Error(`document ${id} (${name}) : ${r.status}, ${r.bytes.length} octets au lieu de ${want.length}`);
		console.log(`identique ${name}`);
	}
}

const [cmd, port, user, password, ...rest] = process.argv.slice(2);
const run = cmd === 'upload' ? upload(Number(port), user, password, rest[0], rest[1])
	: cmd === 'check' ? check(Number(port), user, password, rest[0], rest.slice(1))
	: Promise.reject(new Error('usage : documents.js upload|check …'));
run.catch((e) => {
	console.error(`documents.js : ${e.message}`);
	process.exit(1);
});
