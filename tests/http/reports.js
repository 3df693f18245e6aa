/*
 * HTTP tests of the reports (issue 7): the activity report (totals and
 * tables, for the period and the previous one), its exports (CSV UTF-8 with
 * a BOM, CSV Windows-1252, XLSX, PDF) with small counts masked and cells
 * protected against formulas, the baromètre of the team and of one worker,
 * « Mon activité », the funders' export (one line per person under a
 * pseudonym drawn for each export, chosen columns, rare values grouped
 * under « Autre »), access by role and structure, and the audit rows.
 *
 * The figures come from a small hand-made data set, so that every expected
 * answer is known in advance. It lives in a database of its own ("reports",
 * served by one more server): the acts under mandate are inserted with
 * sqlite3, and the audit chain of the main database (checked at the end of
 * the run, acts included) must not see them. Two structures:
 *
 *   R1 "Espace solidarité des Rapports", the period 01/03/2025–31/03/2025
 *   (previous period: February, the previous whole month):
 *     persons p1..p8 seen in the period, p9 only in the previous one;
 *     communes: Roubaix ×5 (p1–p5), Wattrelos ×2 (p6, p7), a commune named
 *     =HYPERLINK("http://x","y") (p8), Tourcoing (p9);
 *     nine journal entries (195 minutes), six démarches (two in the
 *     person's place), three mandates, three acts, four aid requests,
 *     six diagnostics, four appointments (one cancelled), four
 *     orientations; each section with figures of both workers, so that
 *     « Mon activité » tells them apart;
 *     and, in the current month, entries, démarches and two diagnostics of
 *     one person for the baromètre, by two workers.
 *   R2 "Centre social de Contrôle": two persons (Lille), two entries in the
 *     period, one in the current month.
 *
 * Loaded by run.js, which passes its harness and helpers. The tests run in
 * order and share the fixture made by the first one.
 */
'use strict';

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

module.exports = function reportsTests(h) {
	const {
		test, assert, eq, has, hasNot, status, redirect, fail, textOf, short, run, lienOk, sql,
		Client, Server, csrfOf, loginOk, enrolTotp, unescapeHtml, PW, dir,
	} = h;

	const RDB = path.join(dir, 'reports.db');
	const S1 = 'Espace solidarité des Rapports';
	const S2 = 'Centre social de Contrôle';
	const USERS = [
		[S1, 'rap.ts1', 'Irène Premier', 'travailleur_social'],
		[S1, 'rap.ts2', 'Hugo Second', 'travailleur_social'],
		[S1, 'rap.acc', 'Lucie Guichet', 'accueil'],
		[S1, 'rap.resp', 'Mireille Cheffe', 'responsable'],
		[S2, 'rap.ts.b', 'Gaston Voisin', 'travailleur_social'],
		[S2, 'rap.resp.b', 'Yvonne Voisine', 'responsable'],
	];
	const U = {};           /* login -> { id, client } */
	const SID = {};         /* structure name -> id */
	let srv = null;         /* the server of the reports database */

	const FROM = '01/03/2025', TO = '31/03/2025';
	const PERIOD = `du=${encodeURIComponent(FROM)}&au=${encodeURIComponent(TO)}`;
	const HYPER = '=HYPERLINK("http://x","y")';
	const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre',
		'novembre', 'décembre'];

	/* ---- the known answers ----------------------------------------------- */

	/* [label, period, previous period], in the order every format shows them. */
	const TOTALS = [
		['Personnes reçues', 8, 2],
		['dont nouvelles personnes', 3, 0],
		['dont personnes déjà suivies avant la période', 5, 2],
		['Échanges notés', 9, 2],
		['Temps passé avec ou pour les personnes (minutes)', 195, 25],
		['Temps moyen par échange (minutes)', 22, 13],
		['Démarches ouvertes', 6, 1],
		['dont faites à la place de la personne', 2, 0],
		['Mandats en vigueur', 2, 2],
		['Actes faits sous mandat', 2, 1],
		['Demandes d\'aide financière', 3, 1],
		['Aides accordées (euros)', 400, 100],
		['Personnes ayant fait le diagnostic numérique', 4, 1],
		['dont le niveau a progressé depuis le premier', 1, 0],
		['Personnes attendues à un rendez-vous', 6, 1],
		['dont absentes sans prévenir', 2, 1],
		['Taux d\'absence sans prévenir (%)', 33, 100],
	];
	/* title -> [[row, period, previous]] in the order shown (most first). */
	const TABLES = {
		'Échanges par nature': [['Entretien', 4, 1], ['Accueil', 2, 1], ['Accompagnement numérique', 1, 0], ['Démarche', 1, 0], ['Orientation', 1, 0]],
		'Échanges par moyen': [['Téléphone', 3, 2], ['Rendez-vous sur place', 3, 0], ['Visite sans rendez-vous', 2, 0], ['Courriel', 1, 0]],
		'Échanges par thème': [['Numérique', 3, 0], ['Santé', 2, 0], ['Logement et hébergement', 1, 0]],
		'Personnes par âge': [['26 à 39 ans', 3, 0], ['40 à 59 ans', 2, 0], ['60 à 74 ans', 1, 2], ['18 à 25 ans', 1, 0], ['Non renseigné', 1, 0]],
		'Personnes par sexe': [['Femmes', 4, 2], ['Hommes', 3, 0], ['Non précisé', 1, 0]],
		'Personnes par commune': [['Roubaix', 5, 1], ['Wattrelos', 2, 0], [HYPER, 1, 0], ['Tourcoing', 0, 1]],
		/* p1: a partner and a child; p2: a child; the others: no member recorded. */
		'Personnes par composition du foyer': [['Personne seule ou foyer non renseigné', 6, 1], ['Couple avec enfants', 1, 1],
			['Famille monoparentale', 1, 0]],
		'Démarches ouvertes, selon qui les fait': [['Avec la personne (elle est au clavier)', 2, 1], ['Par la personne seule', 2, 0],
			['À la place de la personne (sous mandat)', 2, 0]],
		'Démarches ouvertes par organisme': [['CAF', 4, 1], ['CPAM / Ameli', 1, 0], ['France Travail', 1, 0]],
		'Demandes d\'aide financière par nature': [['Énergie', 2, 0], ['Alimentation', 1, 0], ['Logement', 0, 1]],
		'Demandes d\'aide financière par décision': [['Accordée', 2, 1], ['Refusée', 1, 0]],
		/* 150.00 + 250.50 € granted for energy; 100 € for housing before (whole euros, as the total). */
		'Aides accordées par nature': [['Énergie', 400, 0], ['Logement', 0, 100]],
		'Personnes par niveau d\'autonomie numérique (dernier diagnostic)': [['Éloigné du numérique', 1, 1], ['Autonome', 1, 0],
			['Débutant', 1, 0], ['Presque autonome', 1, 0]],
		'Rendez-vous passés : présence des personnes attendues': [['Absent sans prévenir', 2, 1], ['Venu', 2, 0], ['Excusé', 1, 0],
			['Non renseigné', 1, 0]],
		'Orientations proposées, par besoin': [['Numérique', 2, 0], ['Santé', 1, 0], ['Logement et hébergement', 0, 1]],
		'Orientations proposées, par type de partenaire': [['France Service', 2, 0], ['Type non précisé', 1, 1]],
		'Orientations proposées : où elles en sont': [['Proposée', 1, 1], ['Réalisée', 1, 0], ['Transmise au partenaire', 1, 0]],
	};

	/* The funders' export, by the person's minutes (unique in the data set). */
	const LINES = {
		40: { commune: 'Roubaix', nouveau: 'non', echanges: 2, themes: 'Numérique, Santé', demarches: 1, a_la_place: 0, aides: 150, niveau: 'Presque autonome', rdv: 0 },
		45: { commune: 'Roubaix', nouveau: 'oui', echanges: 1, themes: 'Logement et hébergement', demarches: 1, a_la_place: 1, aides: 0, niveau: '', rdv: 1 },
		20: { commune: 'Roubaix', nouveau: 'oui', echanges: 1, themes: '', demarches: 1, a_la_place: 0, aides: 0, niveau: 'Débutant', rdv: 1 },
		15: { commune: 'Roubaix', nouveau: 'non', echanges: 1, themes: 'Numérique', demarches: 1, a_la_place: 0, aides: 250, niveau: 'Éloigné du numérique', rdv: 0 },
		5: { commune: 'Roubaix', nouveau: 'non', echanges: 1, themes: '', demarches: 1, a_la_place: 0, aides: 0, niveau: '', rdv: 0 },
		10: { commune: 'Autre', nouveau: 'oui', echanges: 1, themes: '', demarches: 1, a_la_place: 1, aides: 0, niveau: '', rdv: 0 },
		25: { commune: 'Autre', nouveau: 'non', echanges: 1, themes: 'Santé', demarches: 0, a_la_place: 0, aides: 0, niveau: '', rdv: 0 },
		35: { commune: 'Autre', nouveau: 'non', echanges: 1, themes: 'Numérique', demarches: 0, a_la_place: 0, aides: 0, niveau: 'Autonome', rdv: 0 },
	};

	/* ---- helpers ------------------------------------------------------------ */

	const count = (statement) => Number(sql(RDB, statement));
	const audits = (action) => count(`SELECT count(*) FROM audit_log WHERE action = '${action}'`);
	const masked = (n) => (n > 0 && n < 5 ? '< 5' : String(n));
	const utc = (y, m, d, hh = 10) => Date.UTC(y, m - 1, d, hh, 0, 0) / 1000;
	const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

	function user(login) {
		if (!U[login] || !U[login].client)
			fail(`${login} was not logged in by the setup test`);
		return U[login].client;
	}

	/* Today and the current month on the server's clock (Europe/Paris). */
	function parisToday() {
		const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' })
			.formatToParts(new Date()).map((x) => [x.type, x.value]));
		return { iso: `${p.year}-${p.month}-${p.day}`, y: Number(p.year), m: Number(p.month) };
	}
	const monthLabel = (y, m) => `${MONTHS[m - 1]} ${y}`;

	/* GET with the client's cookies; the body as bytes. */
	function getBytes(c, url) {
		return new Promise((resolve, reject) => {
			const req = http.request({ host: '127.0.0.1', port: c.server.port, method: 'GET', path: url,
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

	async function download(c, url, type, what) {
		const r = await getBytes(c, url);
		if (r.status !== 200)
			fail(`${what}: expected HTTP 200, got ${r.status} — ${short(textOf(r.bytes.toString('utf8')))}`);
		has(r.headers['content-type'] || '', type, `${what}: Content-Type`);
		has(r.headers['content-disposition'] || '', 'attachment; filename="', `${what}: Content-Disposition`);
		return r;
	}

	/* A CSV with ';' and every field quoted ("" for a quote), CRLF lines. */
	function parseCsv(text) {
		const rows = [];
		let row = [], field = '', quoted = false, i = 0;
		while (i < text.length) {
			const ch = text[i];
			if (quoted) {
				if (ch === '"' && text[i + 1] === '"') {
					field += '"';
					i += 2;
					continue;
				}
				if (ch === '"')
					quoted = false;
				else
					field += ch;
				i++;
				continue;
			}
			if (ch === '"')
				quoted = true;
			else if (ch === ';') {
				row.push(field);
				field = '';
			} else if (ch === '\r' && text[i + 1] === '\n') {
				row.push(field);
				rows.push(row);
				row = [];
				field = '';
				i++;
			} else if (ch === '\n') {
				fail('CSV: bare LF line end');
			} else {
				field += ch;
			}
			i++;
		}
		if (quoted)
			fail('CSV: unterminated quoted field');
		if (field || row.length)
			fail(`CSV: last line without CRLF: ${JSON.stringify(row.concat(field))}`);
		return rows;
	}

	/* An XLSX read back with openpyxl: per row, values, types and bold. */
	function openXlsx(bytes, name) {
		const file = path.join(dir, name);
		fs.writeFileSync(file, bytes);
		const script = [
			'import json, sys, openpyxl',
			'wb = openpyxl.load_workbook(sys.argv[1])',
			'ws = wb.active',
			'rows = []',
			'for row in ws.iter_rows():',
			'    if all(c.value is None for c in row):',
			'        rows.append(None)',
			'        continue',
			'    rows.append({"v": [c.value for c in row], "t": [c.data_type for c in row], "b": [bool(c.font and c.font.b) for c in row]})',
			'print(json.dumps({"sheets": wb.sheetnames, "rows": rows}))',
		].join('\n');
		const r = run('/usr/bin/python3', ['-c', script, file]);
		if (r.code !== 0)
			fail(`openpyxl cannot open ${name}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
		return JSON.parse(r.stdout);
	}

	/* The activity report page: totals and tables as { label: {n, prev, ev} }. */
	function rowsOf(html) {
		const out = {};
		const order = [];
		for (const m of html.matchAll(/<tr><th scope="row">([^<]*)<\/th><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)) {
			const label = unescapeHtml(m[1]);
			out[label] = { n: Number(m[2]), prev: Number(m[3]), ev: unescapeHtml(m[4]) };
			order.push(label);
		}
		return { rows: out, order };
	}

	function reportOf(html) {
		const at = html.indexOf('<caption>Totaux');
		if (at < 0)
			fail(`no totals table on the report page — ${short(textOf(html), 300)}`);
		const caption = unescapeHtml(/<caption>([^<]*)<\/caption>/.exec(html.slice(at))[1]);
		const totals = rowsOf(html.slice(at, html.indexOf('</table>', at)));
		const tables = {};
		for (const s of html.split('<section aria-labelledby="t').slice(1)) {
			const body = s.slice(0, s.indexOf('</section>'));
			const title = unescapeHtml(/<h3 id="t\d+">([^<]*)<\/h3>/.exec(body)[1]);
			const svg = /<svg[^>]*>/.exec(body);
			const chartLabels = [...body.matchAll(/<text x="\d+" y="\d+" text-anchor="end" font-size="13">([^<]*)<\/text><rect[^>]*\/><rect[^>]*\/><text[^>]*>(\d+)<\/text>/g)]
				.map((m) => [unescapeHtml(m[1]), Number(m[2])]);
			tables[title] = { ...rowsOf(body.slice(body.indexOf('<table'))), svg: svg ? svg[0] : '', chart: chartLabels };
		}
		return { caption, totals, tables };
	}

	function checkFigures(rep, what) {
		for (const [label, n, prev] of TOTALS) {
			const t = rep.totals.rows[label];
			assert(t, `${what}: no total "${label}" (${rep.totals.order.join(' | ')})`);
			eq(t.n, n, `${what}: ${label}, period`);
			eq(t.prev, prev, `${what}: ${label}, previous period`);
		}
		eq(rep.totals.order.join(' | '), TOTALS.map((t) => t[0]).join(' | '), `${what}: totals in order`);
		for (const [title, rows] of Object.entries(TABLES)) {
			const t = rep.tables[title];
			assert(t, `${what}: no table "${title}" (${Object.keys(rep.tables).join(' | ')})`);
			eq(t.order.join(' | '), rows.map((r) => r[0]).join(' | '), `${what}: rows of "${title}"`);
			for (const [label, n, prev] of rows) {
				eq(t.rows[label].n, n, `${what}: ${title} › ${label}, period`);
				eq(t.rows[label].prev, prev, `${what}: ${title} › ${label}, previous period`);
			}
		}
		eq(Object.keys(rep.tables).length, Object.keys(TABLES).length, `${what}: number of tables`);
	}

	/* The baromètre's rows: month label -> the seven figures. */
	function barometerOf(html) {
		const out = {};
		for (const m of html.matchAll(/<tr><th scope="row">([^<]*)<\/th>((?:<td>[^<]*<\/td>){7})<\/tr>/g)) {
			const [people, admin, hours, inPlace, withThem, oriented, gains] = [...m[2].matchAll(/<td>([^<]*)<\/td>/g)].map((x) => unescapeHtml(x[1]));
			out[unescapeHtml(m[1])] = { people, admin, hours, inPlace, withThem, oriented, gains };
		}
		return out;
	}

	function checkMonth(got, want, what) {
		assert(got, `${what}: no row for the current month`);
		for (const k of Object.keys(want))
			eq(got[k], want[k], `${what}: ${k}`);
	}

	/* The funders' export as objects keyed by the header's labels. */
	function exportLines(rows) {
		const [head, ...lines] = rows;
		return { head, lines: lines.map((l) => Object.fromEntries(head.map((k, i) => [k, l[i]]))) };
	}

	/* ------------------------------------------------------------------ */
	/* The data set                                                        */

	function seed() {
		const s1 = SID[S1], s2 = SID[S2];
		const w1 = U['rap.ts1'].id, w2 = U['rap.ts2'].id, wb = U['rap.ts.b'].id;
		const person = (id, sid, civ, birth, commune, created, name) =>
			`(${id}, ${sid}, 'R-${id}', ${q(civ)}, ${q(name)}, 'Prénom${id}', ${q(birth)}, ${q(commune)}, 'locataire_social', '2024-01-01', ` +
			`'oral_notice', ${q(name.toLowerCase())}, ${created}, ${created}, ${created})`;
		const old = utc(2024, 1, 1);
		const persons = [
			person(101, s1, 'Mme', '1950-05-10', 'Roubaix', utc(2024, 6, 1), 'Rapportun'),
			person(102, s1, 'M.', '1990-01-01', 'Roubaix', utc(2025, 3, 5), 'Rapportdeux'),
			person(103, s1, 'Mme', '1990-02-02', 'Roubaix', utc(2025, 3, 6), 'Rapporttrois'),
			person(104, s1, 'Mme', '1980-03-03', 'Roubaix', old, 'Rapportquatre'),
			person(105, s1, 'M.', '1985-04-04', 'Roubaix', old, 'Rapportcinq'),
			person(106, s1, 'Mme', '1970-06-06', 'Wattrelos', utc(2025, 3, 10), 'Rapportsix'),
			person(107, s1, 'M.', '2000-01-01', 'Wattrelos', old, 'Rapportsept'),
			person(108, s1, '', '', HYPER, old, 'Rapporthuit'),
			person(109, s1, 'Mme', '1960-01-01', 'Tourcoing', old, 'Rapportneuf'),
			person(201, s2, 'Mme', '1975-01-01', 'Lille', old, 'Voisinun'),
			person(202, s2, 'M.', '1982-01-01', 'Lille', old, 'Voisindeux'),
		];
		const entry = (sid, pid, author, at, medium, kind, themes, minutes) =>
			`(${sid}, ${pid}, ${author}, ${at}, '${medium}', '${kind}', '${themes}', ${minutes}, '', ${at})`;
		const now = Math.floor(Date.now() / 1000);
		const today = parisToday().iso;
		const entries = [
			/* The period (March 2025). */
			entry(s1, 101, w1, utc(2025, 3, 3), 'telephone', 'entretien', 'numerique,sante', 30),
			entry(s1, 101, w1, utc(2025, 3, 4), 'visite_spontanee', 'accueil', '', 10),
			entry(s1, 102, w1, utc(2025, 3, 5), 'visite_planifiee', 'entretien', 'logement-hebergement', 45),
			entry(s1, 103, w2, utc(2025, 3, 6), 'courriel', 'demarche', '', 20),
			entry(s1, 104, w2, utc(2025, 3, 7), 'telephone', 'entretien', 'numerique', 15),
			entry(s1, 105, w1, utc(2025, 3, 10), 'visite_spontanee', 'accueil', '', 5),
			entry(s1, 106, w1, utc(2025, 3, 11), 'telephone', 'orientation', '', 10),
			entry(s1, 107, w2, utc(2025, 3, 12), 'visite_planifiee', 'entretien', 'sante', 25),
			entry(s1, 108, w1, utc(2025, 3, 31, 20), 'visite_planifiee', 'accompagnement_numerique', 'numerique', 35),
			/* The previous period; and the day after the period (not counted). */
			entry(s1, 101, w1, utc(2025, 2, 3), 'telephone', 'accueil', '', 5),
			entry(s1, 109, w1, utc(2025, 1, 31, 23), 'telephone', 'entretien', '', 20), /* 1 February, 00:00 in Paris */
			entry(s1, 109, w1, utc(2025, 3, 31, 22), 'telephone', 'entretien', '', 999),
			/* The current month, for the baromètre. */
			entry(s1, 101, w1, now - 60, 'visite_planifiee', 'entretien', '', 60),
			entry(s1, 102, w1, now - 61, 'visite_spontanee', 'accueil', '', 30),
			entry(s1, 103, w1, now - 62, 'courriel', 'tache_administrative', '', 30),
			entry(s1, 101, w1, now - 63, 'telephone', 'orientation', '', 10),
			entry(s1, 104, w2, now - 64, 'courriel', 'demarche', '', 60),
			entry(s1, 105, w2, now - 65, 'visite_planifiee', 'entretien', '', 20),
			entry(s1, 105, w2, now - 66, 'telephone', 'orientation', '', 5),
			/* The other structure. */
			entry(s2, 201, wb, utc(2025, 3, 14), 'telephone', 'entretien', 'famille', 30),
			entry(s2, 202, wb, utc(2025, 3, 15), 'visite_spontanee', 'accueil', '', 40),
			entry(s2, 201, wb, now - 60, 'visite_planifiee', 'entretien', '', 45),
		];
		const proc = (pid, org, how, on, by) =>
			`(${s1}, ${pid}, '${org}', 'social_sante', 'objet', 'en_cours', '${how}', '${on}', ${by}, ${now}, ${now})`;
		const procedures = [
			proc(101, 'caf', 'avec', '2025-03-03', w1), proc(102, 'caf', 'a_la_place', '2025-03-07', w1),
			proc(103, 'cpam', 'seul', '2025-03-08', w2), proc(104, 'caf', 'avec', '2025-03-11', w2),
			proc(105, 'caf', 'seul', '2025-03-12', w1), proc(106, 'france_travail', 'a_la_place', '2025-03-13', w1),
			proc(109, 'caf', 'avec', '2025-02-10', w1),
			/* The current month. */
			proc(101, 'caf', 'a_la_place', today, w1), proc(102, 'caf', 'avec', today, w1), proc(103, 'cpam', 'avec', today, w1),
			proc(104, 'caf', 'seul', today, w1), proc(105, 'caf', 'seul', today, w2),
		];
		const diag = (id, pid, on, level, by) =>
			`(${id}, ${s1}, ${pid}, '${on}', 'smartphone', 0, 'mobile', 1, 1, ${level}, ${level}, ${level}, ${level}, ${level}, ${level}, ` +
			`${level}, 'accompagner', ${by}, ${now})`;
		const aid = (pid, kind, asked, granted, st, at, by = w1) =>
			`(${s1}, ${pid}, '${kind}', ${asked}, ${granted}, '${st}', ${by}, ${at}, ${at})`;
		/* Booked by worker 1, in the agenda of `worker`. */
		const appt = (id, at, st, worker = w1) => `(${id}, ${s1}, ${worker}, 'entretien', 'site', ${at}, ${at + 1800}, '${st}', ${w1}, ${at}, ${at})`;
		const orient = (pid, theme, partner, st, at, by) =>
			`(${s1}, ${pid}, 1, 'Service', '${theme}', '${partner}', 'motif', '${st}', ${at}, ${by}, ${at}, ${at})`;
		const ap = (id, pid, outcome) => `(${id}, ${s1}, ${pid}, '${outcome}')`;
		sql(RDB, `BEGIN;
INSERT INTO persons(id, structure_id, file_number, civilite, birth_name, first_names, birth_date, commune_name, housing, info_date,
 info_method, search_name, last_contact_at, created_at, updated_at) VALUES ${persons.join(',\n')};
INSERT INTO journal_entries(structure_id, person_id, author_id, at, medium, kind, themes, duration_min, summary, created_at) VALUES
 ${entries.join(',\n')};
INSERT INTO household_members(structure_id, person_id, first_names, last_name, relation, created_at) VALUES
 (${s1}, 101, 'Karim', 'Test', 'conjoint', 0), (${s1}, 101, 'Lina', 'Test', 'enfant', 0), (${s1}, 102, 'Noé', 'Test', 'enfant', 0);
INSERT INTO procedures(structure_id, person_id, organism, domain, subject, status, how, opened_on, created_by, created_at, updated_at) VALUES
 ${procedures.join(',\n')};
INSERT INTO mandates(id, structure_id, person_id, domains, duration, starts_on, ends_on, consent_on, created_by, created_at) VALUES
 (1, ${s1}, 102, 'social_sante', '1a', '2025-03-01', '2026-02-28', '2025-03-01', ${w1}, ${utc(2025, 3, 1)}),
 (2, ${s1}, 106, 'social_sante', '6m', '2025-01-15', '2025-07-14', '2025-01-15', ${w2}, ${utc(2025, 1, 15)}),
 (3, ${s1}, 101, 'social_sante', '1a', '2024-06-01', '2025-02-15', '2024-06-01', ${w1}, ${utc(2024, 6, 1)});
INSERT INTO mandate_acts(structure_id, person_id, mandate_id, user_id, at, what) VALUES
 (${s1}, 102, 1, ${w1}, ${utc(2025, 3, 12)}, 'Envoi du formulaire'),
 (${s1}, 106, 2, ${w2}, ${utc(2025, 3, 20)}, 'Mise à jour du dossier'),
 (${s1}, 106, 2, ${w1}, ${utc(2025, 2, 10)}, 'Déclaration trimestrielle');
INSERT INTO aid_requests(structure_id, person_id, kind, amount_asked, amount_granted, status, created_by, created_at, updated_at) VALUES
 ${[aid(101, 'energie', 20000, 15000, 'accordee', utc(2025, 3, 4)), aid(102, 'alimentation', 5000, 0, 'refusee', utc(2025, 3, 9)),
	aid(104, 'energie', 30000, 25050, 'accordee', utc(2025, 3, 14), w2), aid(109, 'logement', 10000, 10000, 'accordee', utc(2025, 2, 15))].join(',\n')};
INSERT INTO diagnostics(id, structure_id, person_id, done_on, equipment, equipment_shared, internet, email_usable, identity_usable,
 skill_device, skill_find, skill_communicate, skill_procedure, skill_scams, skill_accounts, level, path, created_by, created_at) VALUES
 ${[diag(1, 101, '2025-02-10', 1, w1), diag(2, 101, '2025-03-15', 3, w1), diag(3, 103, '2025-03-20', 2, w2), diag(4, 108, '2025-03-25', 4, w1),
	diag(5, 104, '2025-03-02', 2, w2), diag(6, 104, '2025-03-28', 1, w2), diag(7, 107, today, 1, w1), diag(8, 107, today, 3, w1)].join(',\n')};
INSERT INTO appointments(id, structure_id, worker_id, kind, place, starts_at, ends_at, status, created_by, created_at, updated_at) VALUES
 ${[appt(1, utc(2025, 3, 10), 'prevu'), appt(2, utc(2025, 3, 18), 'prevu', w2), appt(3, utc(2025, 3, 19), 'annule'), appt(4, utc(2025, 2, 12), 'prevu')].join(',\n')};
INSERT INTO appointment_persons(appointment_id, structure_id, person_id, outcome) VALUES
 ${[ap(1, 101, 'honore'), ap(1, 102, 'manque'), ap(2, 103, 'manque'), ap(2, 104, 'excuse'), ap(2, 105, 'honore'), ap(2, 106, ''),
	ap(3, 107, 'manque'), ap(4, 109, 'manque')].join(',\n')};
INSERT INTO dir_local_structures(id, structure_id, nom, date_maj, created_at, updated_at) VALUES (1, ${s1}, 'Partenaire', '2025-01-01', 0, 0);
INSERT INTO dir_local_services(id, structure_id, partner_id, nom, description, date_maj, created_at, updated_at) VALUES
 (1, ${s1}, 1, 'Service', '', '2025-01-01', 0, 0);
INSERT INTO orientations(structure_id, person_id, local_service_id, service_name, theme, partner_type, reason, status, status_at,
 created_by, created_at, updated_at) VALUES
 ${[orient(101, 'numerique', 'france-service', 'realisee', utc(2025, 3, 5), w1), orient(106, 'sante', '', 'proposee', utc(2025, 3, 11), w1),
	orient(103, 'numerique', 'france-service', 'transmise', utc(2025, 3, 20), w2),
	orient(109, 'logement-hebergement', '', 'proposee', utc(2025, 2, 10), w1)].join(',\n')};
COMMIT;`);
	}

	/* ------------------------------------------------------------------ */

	test('reports: setup — a database of its own, two structures, six accounts logged in, the data set', async () => {
		lienOk('init', '--db', RDB);
		for (const s of [S1, S2]) {
			lienOk('structure', 'add', s, '--db', RDB);
			SID[s] = count(`SELECT id FROM structures WHERE name = ${q(s)}`);
		}
		for (const [s, l, n, r] of USERS) {
			lienOk('user', 'add', '--db', RDB, '--structure', s, '--login', l, '--name', n, '--role', r, '--password', PW);
			U[l] = { id: count(`SELECT id FROM users WHERE login = '${l}'`) };
		}
		seed();
		srv = new Server('reports', RDB);
		await srv.start();
		for (const [, l, , r] of USERS) {
			const c = new Client(srv);
			if (r === 'responsable')
				await enrolTotp(c, l);
			else
				await loginOk(c, l);
			status(await c.get('/'), 200, `home of ${l}`);
			U[l].client = c;
		}
	});

	/* ---- the activity report page ---------------------------------------- */

	test('reports: the activity page — every total and table, period and previous period, against the known answers', async () => {
		const before = audits('report.view');
		const r = await user('rap.resp').get(`/rapports/activite?${PERIOD}`);
		status(r, 200, 'GET /rapports/activite');
		const rep = reportOf(r.body);
		has(r.body, '<h2>Du 2025-03-01 au 2025-03-31</h2>', 'the period');
		eq(rep.caption, 'Totaux, comparés à la période précédente (du 2025-02-01 au 2025-02-28)', 'the previous period');
		checkFigures(rep, 'page');
		/* Evolutions, and the average length of an exchange. */
		eq(rep.totals.rows['Personnes reçues'].ev, '+300 %', 'evolution of the people seen');
		eq(rep.totals.rows['dont nouvelles personnes'].ev, 'nouveau', 'evolution from 0');
		eq(rep.totals.rows['Mandats en vigueur'].ev, '+0 %', 'evolution of an unchanged figure');
		eq(rep.tables['Personnes par commune'].rows.Tourcoing.ev, '-100 %', 'evolution to 0');
		has(r.body, 'Durée moyenne d\'un échange : 21 minutes.', 'the average (195 / 9)');
		/* The other structure's data is not there. */
		hasNot(r.body, 'Lille', 'a commune of the other structure');
		eq(audits('report.view'), before + 1, 'report.view audit rows');
		const row = sql(RDB, `SELECT user_id, structure_id, detail FROM audit_log WHERE action = 'report.view' ORDER BY id DESC LIMIT 1`);
		eq(row, `${U['rap.resp'].id}|${SID[S1]}|2025-03-01`, 'the audit row: who, which structure, which period');
	});

	test('reports: the charts are hidden from screen readers and draw the same figures as the tables', async () => {
		const r = await user('rap.resp').get(`/rapports/activite?du=2025-03-01&au=2025-03-31`);
		status(r, 200, 'GET with ISO dates');
		const rep = reportOf(r.body);
		checkFigures(rep, 'page (ISO dates)');
		for (const [title, t] of Object.entries(rep.tables)) {
			has(t.svg, 'aria-hidden="true"', `chart of "${title}"`);
			has(t.svg, 'focusable="false"', `chart of "${title}"`);
			eq(JSON.stringify(t.chart), JSON.stringify(t.order.map((l) => [l, t.rows[l].n])), `the chart of "${title}" has the table's figures`);
		}
	});

	test('reports: invalid periods → 422 with the error on the field, nothing computed', async () => {
		for (const [du, au, msg] of [['31/02/2025', TO, 'Période invalide'], [TO, FROM, 'précède'], ['01/01/2020', TO, 'trois ans']]) {
			const r = await user('rap.resp').get(`/rapports/activite?du=${encodeURIComponent(du)}&au=${encodeURIComponent(au)}`);
			status(r, 422, `period ${du}–${au}`);
			has(r.body, 'id="du-erreur"', `period ${du}–${au}: error next to the field`);
			has(unescapeHtml(r.body), msg, `period ${du}–${au}: message`);
			hasNot(r.body, '<caption>Totaux', `period ${du}–${au}: no figures`);
		}
	});

	/* ---- the exports ----------------------------------------------------- */

	test('reports: CSV (UTF-8 with a BOM) — parsed back, the page\'s figures with 1–4 masked, 0 and ≥ 5 shown, formulas neutralised', async () => {
		const c = user('rap.resp');
		const page = reportOf((await c.get(`/rapports/activite?${PERIOD}`)).body);
		const before = audits('report.export');
		const r = await download(c, `/rapports/activite?${PERIOD}&format=csv`, 'text/csv; charset=utf-8', 'CSV');
		has(r.headers['content-disposition'], 'rapport-activite-2025-03-01-2025-03-31.csv', 'file name');
		eq(r.bytes.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 byte-order mark');
		const text = r.bytes.subarray(3).toString('utf8');
		eq(Buffer.from(text, 'utf8').equals(r.bytes.subarray(3)), true, 'valid UTF-8');
		const rows = parseCsv(text);
		eq(JSON.stringify(rows[0]), JSON.stringify(['Rapport d\'activité', 'du 2025-03-01 au 2025-03-31', 'période précédente : du 2025-02-01 au 2025-02-28']), 'first line');
		eq(JSON.stringify(rows[1]), JSON.stringify(['Tableau', 'Ligne', 'Période', 'Période précédente']), 'header');
		const body = rows.slice(2);
		for (const row of body)
			eq(row.length, 4, `four fields: ${JSON.stringify(row)}`);
		/* Every figure of the page, masked, and nothing else. */
		const want = [];
		for (const l of page.totals.order)
			want.push(['Totaux', l, masked(page.totals.rows[l].n), masked(page.totals.rows[l].prev)]);
		for (const [title, t] of Object.entries(page.tables))
			for (const l of t.order)
				want.push([title, l === HYPER ? `'${HYPER}` : l, masked(t.rows[l].n), masked(t.rows[l].prev)]);
		eq(JSON.stringify(body), JSON.stringify(want), 'the CSV lines');
		/* Spelled out: the masking rules on known figures. */
		const line = (table, label) => body.find((x) => x[0] === table && x[1] === label);
		eq(line('Totaux', 'Personnes reçues').slice(2).join('|'), '8|< 5', '8 shown, 2 masked');
		eq(line('Totaux', 'dont nouvelles personnes').slice(2).join('|'), '< 5|0', '3 masked, 0 stays 0');
		eq(line('Totaux', 'Temps passé avec ou pour les personnes (minutes)').slice(2).join('|'), '195|25', 'minutes');
		eq(line('Totaux', 'Aides accordées (euros)').slice(2).join('|'), '400|100', 'euros granted');
		eq(line('Totaux', 'Taux d\'absence sans prévenir (%)').slice(2).join('|'), '33|100', 'no-show rate');
		eq(line('Personnes par commune', 'Roubaix').slice(2).join('|'), '5|< 5', '5 shown (the threshold itself)');
		eq(line('Personnes par commune', 'Tourcoing').slice(2).join('|'), '0|< 5', 'Tourcoing');
		assert(line('Personnes par commune', `'${HYPER}`), 'the commune named like a formula starts with a quote');
		assert(!body.some((x) => x.some((f) => /^[=+\-@]/.test(f))), 'no field starts with = + - @');
		hasNot(text, '"=HYPERLINK', 'the raw formula');
		eq(audits('report.export'), before + 1, 'report.export audit rows');
	});

	test('reports: CSV for an old spreadsheet — Windows-1252, no BOM, the same lines', async () => {
		const c = user('rap.resp');
		const utf8 = await download(c, `/rapports/activite?${PERIOD}&format=csv`, 'text/csv', 'CSV');
		const r = await download(c, `/rapports/activite?${PERIOD}&format=csv-windows`, 'text/csv; charset=windows-1252', 'CSV Windows-1252');
		assert(r.bytes[0] !== 0xef, 'no byte-order mark');
		assert(!r.bytes.includes(0xc3), 'no UTF-8 sequence for the accents');
		assert(r.bytes.includes(0xc9), 'É as one Windows-1252 byte');
		const text = new TextDecoder('windows-1252').decode(r.bytes);
		has(text, '"Totaux";"Échanges notés";"9";"< 5"', 'a line with accents');
		eq(text, utf8.bytes.subarray(3).toString('utf8'), 'the same text as the UTF-8 file');
	});

	test('reports: XLSX — opens with openpyxl, bold headers, numbers as numbers, small counts masked', async () => {
		const c = user('rap.resp');
		const page = reportOf((await c.get(`/rapports/activite?${PERIOD}`)).body);
		const r = await download(c, `/rapports/activite?${PERIOD}&format=xlsx`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'XLSX');
		has(r.headers['content-disposition'], 'rapport-activite-2025-03-01-2025-03-31.xlsx', 'file name');
		const x = openXlsx(r.bytes, 'rapport.xlsx');
		eq(x.rows[0].v[0], 'Rapport d\'activité', 'title');
		has(x.rows[1].v[0], 'Du 2025-03-01 au 2025-03-31', 'the period');
		const got = {};
		let table = null, headers = 0;
		for (const row of x.rows) {
			if (!row)
				continue;
			if (row.v[1] === 'Période' && row.v[2] === 'Période précédente') {
				assert(row.b[0] && row.b[1] && row.b[2], `header row "${row.v[0]}" in bold`);
				table = String(row.v[0]).replace(/ \([^)]*\)$/, '');
				got[table] = {};
				headers++;
				continue;
			}
			if (!table)
				continue;
			assert(!row.b[0], `data row "${row.v[0]}" not bold`);
			eq(row.t[0], 's', `the label "${row.v[0]}" is text, not a formula`);
			got[table][row.v[0]] = [row.v[1], row.v[2], row.t[1], row.t[2]];
		}
		eq(headers, 1 + Object.values(TABLES).filter((rows) => rows.length).length, 'one header per table with figures, totals included');
		const cell = (n) => (n > 0 && n < 5 ? ['< 5', 's'] : [n, 'n']);
		const expectRow = (where, label, n, prev) => {
			const g = where[label];
			assert(g, `XLSX: no row "${label}"`);
			const [a, ta] = cell(n), [b, tb] = cell(prev);
			eq(JSON.stringify(g), JSON.stringify([a, b, ta, tb]), `XLSX: ${label}`);
		};
		for (const l of page.totals.order)
			expectRow(got.Totaux, l, page.totals.rows[l].n, page.totals.rows[l].prev);
		for (const [title, t] of Object.entries(page.tables))
			for (const l of t.order)
				expectRow(got[title] || fail(`XLSX: no table "${title}"`), l, t.rows[l].n, t.rows[l].prev);
		eq(typeof got.Totaux['Temps passé avec ou pour les personnes (minutes)'][0], 'number', 'minutes as a number');
		assert(got['Personnes par commune'][HYPER], 'the formula-like commune kept as plain text');
	});

	test('reports: PDF — pdftotext finds the title, the structure and the masked figures', async () => {
		const c = user('rap.resp');
		const r = await download(c, `/rapports/activite?${PERIOD}&format=pdf`, 'application/pdf', 'PDF');
		eq(r.bytes.subarray(0, 5).toString('latin1'), '%PDF-', 'a PDF');
		const file = path.join(dir, 'rapport.pdf');
		fs.writeFileSync(file, r.bytes);
		const t = run('pdftotext', [file, '-']);
		eq(t.code, 0, `pdftotext: ${t.stderr}`);
		const text = t.stdout.replace(/\s+/g, ' ');
		for (const want of ['Rapport d\'activité du 2025-03-01 au 2025-03-31', 'Comparé à la période du 2025-02-01 au 2025-02-28', S1,
			'Personnes reçues : 8 (période précédente : < 5)',
			'dont nouvelles personnes : < 5 (période précédente : 0)',
			'Temps passé avec ou pour les personnes (minutes) : 195 (période précédente : 25)',
			'Aides accordées (euros) : 400 (période précédente : 100)',
			'Roubaix : 5 (période précédente : < 5)', 'Tourcoing : 0 (période précédente : < 5)'])
			has(text, want, 'PDF text');
		hasNot(text, 'Personnes attendues à un rendez-vous : 6 (période précédente : 1)', 'an unmasked 1');
	});

	test('reports: an unknown format shows the page (no file), audited as a view, not an export', async () => {
		const view = audits('report.view'), exp = audits('report.export');
		const r = await user('rap.resp').get(`/rapports/activite?${PERIOD}&format=ods`);
		status(r, 200, 'format=ods');
		has(r.headers['content-type'] || '', 'text/html', 'an HTML page');
		assert(!r.headers['content-disposition'], 'no attachment');
		checkFigures(reportOf(r.body), 'page (format=ods)');
		eq(audits('report.view'), view + 1, 'report.view audit rows');
		eq(audits('report.export'), exp, 'report.export audit rows (nothing was exported)');
	});

	test('reports: without dates, the previous calendar month', async () => {
		const { y, m } = parisToday();
		const [py, pm] = m === 1 ? [y - 1, 12] : [y, m - 1];
		const last = new Date(Date.UTC(y, m - 1, 0)).getUTCDate();
		const mm = String(pm).padStart(2, '0');
		const r = await user('rap.resp').get('/rapports/activite');
		status(r, 200, 'GET /rapports/activite');
		has(r.body, `<h2>Du ${py}-${mm}-01 au ${py}-${mm}-${last}</h2>`, 'the previous month');
		has(r.body, `href="/rapports/activite?du=${py}-${mm}-01&amp;au=${py}-${mm}-${last}&amp;format=xlsx"`, 'the XLSX link for that period');
	});

	/* ---- the baromètre --------------------------------------------------- */

	test('reports: the team\'s baromètre — shares of the current month from known entries, démarches and diagnostics', async () => {
		const { y, m } = parisToday();
		const before = audits('report.barometer');
		const r = await user('rap.resp').get('/rapports/barometre');
		status(r, 200, 'GET /rapports/barometre');
		const b = barometerOf(r.body);
		eq(Object.keys(b).length, 12, 'twelve months');
		eq(Object.keys(b)[11], monthLabel(y, m), 'the current month last');
		/* Time with people 110 min, administrative 90: 55 % / 45 %, 3 h;
		 * démarches: 1 in place, 2 with, 2 alone; 2 of 5 people oriented;
		 * one diagnostic higher than the previous one. */
		checkMonth(b[monthLabel(y, m)], { people: '55 %', admin: '45 %', hours: '3', inPlace: '20 %', withThem: '40 %', oriented: '40 %', gains: '1' }, 'team');
		const pm = m === 1 ? [y - 1, 12] : [y, m - 1];
		checkMonth(b[monthLabel(...pm)], { people: '—', admin: '—', hours: '0', inPlace: '—', withThem: '—', oriented: '—', gains: '0' }, 'previous month');
		has(r.body, '<h1>Baromètre de l\'équipe</h1>', 'title');
		const svg = /<svg class="chart"[^>]*>/.exec(r.body);
		assert(svg && /aria-hidden="true"/.test(svg[0]), 'the chart is hidden from screen readers (the table has the figures)');
		/* The workers of the structure to choose from; not the other structure's. */
		has(r.body, `<option value="${U['rap.ts1'].id}">Irène Premier</option>`, 'worker 1 in the list');
		has(r.body, `<option value="${U['rap.ts2'].id}">Hugo Second</option>`, 'worker 2 in the list');
		hasNot(r.body, 'Gaston Voisin', 'a worker of the other structure');
		eq(audits('report.barometer'), before + 1, 'report.barometer audit rows');
	});

	test('reports: the baromètre of one worker (?pro=) — their own share only', async () => {
		const { y, m } = parisToday();
		const c = user('rap.resp');
		let r = await c.get(`/rapports/barometre?pro=${U['rap.ts1'].id}`);
		status(r, 200, 'worker 1');
		/* 90 min with people, 30 administrative; 1 of 4 démarches in place,
		 * 2 with; 1 of 3 people oriented; the rising diagnostic is theirs. */
		checkMonth(barometerOf(r.body)[monthLabel(y, m)], { people: '75 %', admin: '25 %', hours: '2', inPlace: '25 %', withThem: '50 %', oriented: '33 %', gains: '1' }, 'worker 1');
		has(r.body, `<option value="${U['rap.ts1'].id}" selected>`, 'the worker is selected');
		eq(sql(RDB, `SELECT object_id FROM audit_log WHERE action = 'report.barometer' ORDER BY id DESC LIMIT 1`), String(U['rap.ts1'].id), 'the audit row names the worker');
		r = await c.get(`/rapports/barometre?pro=${U['rap.ts2'].id}`);
		status(r, 200, 'worker 2');
		checkMonth(barometerOf(r.body)[monthLabel(y, m)], { people: '25 %', admin: '75 %', hours: '1', inPlace: '0 %', withThem: '0 %', oriented: '50 %', gains: '0' }, 'worker 2');
		/* A worker of another structure, or nobody: 404. */
		status(await c.get(`/rapports/barometre?pro=${U['rap.ts.b'].id}`), 404, 'a worker of the other structure');
		status(await c.get('/rapports/barometre?pro=999999'), 404, 'an unknown worker');
	});

	test('reports: « Mon activité » shows the logged-in worker\'s own figures only', async () => {
		const { y, m } = parisToday();
		let r = await user('rap.ts1').get('/mon-activite');
		status(r, 200, 'worker 1 /mon-activite');
		has(r.body, '<h1>Mon activité</h1>', 'title');
		hasNot(r.body, 'name="pro"', 'no choice of worker');
		checkMonth(barometerOf(r.body)[monthLabel(y, m)], { people: '75 %', admin: '25 %', hours: '2', inPlace: '25 %', withThem: '50 %', oriented: '33 %', gains: '1' }, 'worker 1');
		r = await user('rap.ts2').get(`/mon-activite?pro=${U['rap.ts1'].id}`);
		status(r, 200, 'worker 2 /mon-activite');
		checkMonth(barometerOf(r.body)[monthLabel(y, m)], { people: '25 %', admin: '75 %', hours: '1', inPlace: '0 %', withThem: '0 %', oriented: '50 %', gains: '0' }, 'worker 2 (?pro= ignored)');
		/* The activity report of a period under the baromètre: each worker's
		 * own démarches, mandates, aid, diagnostics, appointments and
		 * orientations (the structure's figures are in TOTALS and TABLES;
		 * worker 1's and worker 2's add up to them). The previous period
		 * is asserted only where it holds nothing from 29–31 January. */
		const MINE = {
			'rap.ts1': {
				totals: [['Personnes reçues', 5], ['Échanges notés', 6], ['Temps passé avec ou pour les personnes (minutes)', 135],
					['Démarches ouvertes', 4, 1], ['dont faites à la place de la personne', 2, 0], ['Mandats en vigueur', 1, 1],
					['Actes faits sous mandat', 1, 1], ['Demandes d\'aide financière', 2, 1], ['Aides accordées (euros)', 150, 100],
					['Personnes ayant fait le diagnostic numérique', 2, 1], ['dont le niveau a progressé depuis le premier', 1, 0],
					['Personnes attendues à un rendez-vous', 2, 1], ['dont absentes sans prévenir', 1, 1], ['Taux d\'absence sans prévenir (%)', 50, 100]],
				tables: {
					'Démarches ouvertes, selon qui les fait': [['À la place de la personne (sous mandat)', 2, 0], ['Avec la personne (elle est au clavier)', 1, 1],
						['Par la personne seule', 1, 0]],
					'Démarches ouvertes par organisme': [['CAF', 3, 1], ['France Travail', 1, 0]],
					'Demandes d\'aide financière par nature': [['Alimentation', 1, 0], ['Énergie', 1, 0], ['Logement', 0, 1]],
					'Demandes d\'aide financière par décision': [['Accordée', 1, 1], ['Refusée', 1, 0]],
					'Personnes par niveau d\'autonomie numérique (dernier diagnostic)': [['Autonome', 1, 0], ['Presque autonome', 1, 0], ['Éloigné du numérique', 0, 1]],
					'Rendez-vous passés : présence des personnes attendues': [['Absent sans prévenir', 1, 1], ['Venu', 1, 0]],
					'Orientations proposées, par besoin': [['Numérique', 1, 0], ['Santé', 1, 0], ['Logement et hébergement', 0, 1]],
					'Orientations proposées, par type de partenaire': [['Type non précisé', 1, 1], ['France Service', 1, 0]],
					'Orientations proposées : où elles en sont': [['Proposée', 1, 1], ['Réalisée', 1, 0]],
				},
			},
			'rap.ts2': {
				totals: [['Personnes reçues', 3], ['Échanges notés', 3], ['Temps passé avec ou pour les personnes (minutes)', 60],
					['Démarches ouvertes', 2, 0], ['dont faites à la place de la personne', 0, 0], ['Mandats en vigueur', 1, 1],
					['Actes faits sous mandat', 1, 0], ['Demandes d\'aide financière', 1, 0], ['Aides accordées (euros)', 250, 0],
					['Personnes ayant fait le diagnostic numérique', 2, 0], ['dont le niveau a progressé depuis le premier', 0, 0],
					['Personnes attendues à un rendez-vous', 4, 0], ['dont absentes sans prévenir', 1, 0], ['Taux d\'absence sans prévenir (%)', 25, 0]],
				tables: {
					'Démarches ouvertes, selon qui les fait': [['Avec la personne (elle est au clavier)', 1, 0], ['Par la personne seule', 1, 0]],
					'Démarches ouvertes par organisme': [['CAF', 1, 0], ['CPAM / Ameli', 1, 0]],
					'Demandes d\'aide financière par nature': [['Énergie', 1, 0]],
					'Demandes d\'aide financière par décision': [['Accordée', 1, 0]],
					'Personnes par niveau d\'autonomie numérique (dernier diagnostic)': [['Débutant', 1, 0], ['Éloigné du numérique', 1, 0]],
					'Rendez-vous passés : présence des personnes attendues': [['Absent sans prévenir', 1, 0], ['Excusé', 1, 0], ['Non renseigné', 1, 0], ['Venu', 1, 0]],
					'Orientations proposées, par besoin': [['Numérique', 1, 0]],
					'Orientations proposées, par type de partenaire': [['France Service', 1, 0]],
					'Orientations proposées : où elles en sont': [['Transmise au partenaire', 1, 0]],
				},
			},
		};
		for (const [login, want] of Object.entries(MINE)) {
			/* ?pro= cannot show a colleague's figures. */
			const other = login === 'rap.ts1' ? 'rap.ts2' : 'rap.ts1';
			r = await user(login).get(`/mon-activite?${PERIOD}&pro=${U[other].id}`);
			status(r, 200, `${login} /mon-activite for March`);
			const rep = reportOf(r.body);
			for (const [label, n, prev] of want.totals) {
				const t = rep.totals.rows[label];
				assert(t, `${login}: no total "${label}"`);
				eq(t.n, n, `${login}: ${label}, period`);
				if (prev !== undefined)
					eq(t.prev, prev, `${login}: ${label}, previous period`);
			}
			for (const [title, rows] of Object.entries(want.tables)) {
				const t = rep.tables[title];
				assert(t, `${login}: no table "${title}"`);
				eq(t.order.join(' | '), rows.map((x) => x[0]).join(' | '), `${login}: rows of "${title}"`);
				for (const [label, n, prev] of rows) {
					eq(t.rows[label].n, n, `${login}: ${title} › ${label}, period`);
					eq(t.rows[label].prev, prev, `${login}: ${title} › ${label}, previous period`);
				}
			}
			/* What counts as theirs is written under each title. */
			const text = unescapeHtml(r.body);
			for (const whose of ['Démarches ouvertes dans la période que le professionnel a enregistrées.',
				'Demandes d\'aide que le professionnel a enregistrées dans la période.',
				'Rendez-vous de l\'agenda du professionnel, même pris par un collègue.',
				'Personnes dont le dernier diagnostic, fait dans la période, l\'a été par le professionnel.',
				'Orientations que le professionnel a proposées dans la période.'])
				has(text, whose, `${login}: the definition under the title`);
			has(text, 'actes qu\'il a faits sous mandat', `${login}: the definition under the totals`);
			hasNot(r.body, 'format=csv', `${login}: no download of their figures`);
			has(r.body, 'action="/mon-activite"', `${login}: the period's form stays on the page`);
		}
		/* The structure's report has no such sentence. */
		r = await user('rap.resp').get(`/rapports/activite?${PERIOD}`);
		hasNot(unescapeHtml(r.body), 'le professionnel', 'no worker definition on the structure report');
	});

	/* ---- the funders' export --------------------------------------------- */

	const EXPORT_ALL = ['rdv_manques', 'commune', 'echanges', 'age', 'minutes', 'themes', 'demarches', 'a_la_place', 'aides', 'niveau', 'nouveau'];
	const exportUrl = (cols, format, period = PERIOD) =>
		`/rapports/export?telecharger=1&${period}${cols.map((x) => `&colonnes=${x}`).join('')}&format=${format}`;

	async function exportCsv(c, cols) {
		const r = await download(c, exportUrl(cols, 'csv'), 'text/csv; charset=utf-8', 'export CSV');
		eq(r.bytes.subarray(0, 3).toString('hex'), 'efbbbf', 'export: UTF-8 byte-order mark');
		return { r, text: r.bytes.subarray(3).toString('utf8'), ...exportLines(parseCsv(r.bytes.subarray(3).toString('utf8'))) };
	}

	test('reports: funders\' export — one line per person seen, pseudonyms, columns in the list\'s order, rare communes grouped', async () => {
		const c = user('rap.resp');
		const before = audits('report.export_persons');
		const e = await exportCsv(c, EXPORT_ALL);
		has(e.r.headers['content-disposition'], 'export-personnes.csv', 'file name');
		eq(e.head.join(' | '), ['Pseudonyme', 'Tranche d\'âge', 'Commune', 'Nouvelle personne sur la période', 'Nombre d\'échanges',
			'Temps passé (minutes)', 'Thèmes abordés', 'Démarches ouvertes', 'dont faites à la place de la personne',
			'Aides accordées (euros)', 'Niveau d\'autonomie numérique (dernier diagnostic)', 'Rendez-vous manqués sans prévenir'].join(' | '),
		'the columns asked for, in the list\'s order');
		eq(e.lines.length, 8, 'one line per person seen in the period');
		const pseudos = e.lines.map((l) => l.Pseudonyme);
		for (const p of pseudos)
			assert(/^P-[0-9a-f]{10}$/.test(p), `pseudonym ${p}`);
		eq(new Set(pseudos).size, 8, 'eight different pseudonyms');
		/* Nothing that names the person or their file. */
		for (let id = 101; id <= 109; id++)
			hasNot(e.text, `R-${id}`, 'a file number');
		for (const n of ['Rapportun', 'Rapportdeux', 'Rapporthuit', 'Prénom1', 'Wattrelos', 'HYPERLINK', 'Tourcoing'])
			hasNot(e.text, n, 'a name or a rare commune');
		/* Each person's line, found by their minutes (all different). */
		for (const l of e.lines) {
			const want = LINES[l['Temps passé (minutes)']];
			assert(want, `a line with ${l['Temps passé (minutes)']} minutes`);
			const got = {
				commune: l.Commune, nouveau: l['Nouvelle personne sur la période'], echanges: Number(l['Nombre d\'échanges']),
				themes: l['Thèmes abordés'], demarches: Number(l['Démarches ouvertes']), a_la_place: Number(l['dont faites à la place de la personne']),
				aides: Number(l['Aides accordées (euros)']), niveau: l['Niveau d\'autonomie numérique (dernier diagnostic)'],
				rdv: Number(l['Rendez-vous manqués sans prévenir']),
			};
			eq(JSON.stringify(got), JSON.stringify(want), `the line of the person with ${l['Temps passé (minutes)']} minutes`);
			/* Every age band is shared by fewer than five people here. */
			eq(l['Tranche d\'âge'], 'Autre', 'a rare age band');
		}
		eq(e.lines.filter((l) => l.Commune === 'Roubaix').length, 5, 'Roubaix (5 people) kept');
		eq(e.lines.filter((l) => l.Commune === 'Autre').length, 3, 'Wattrelos (2) and the formula-like commune (1) grouped under « Autre »');
		/* The lines add up to the activity report's totals. */
		const page = reportOf((await c.get(`/rapports/activite?${PERIOD}`)).body).totals.rows;
		const sum = (k) => e.lines.reduce((a, l) => a + Number(l[k]), 0);
		eq(sum('Nombre d\'échanges'), page['Échanges notés'].n, 'exchanges add up');
		eq(sum('Temps passé (minutes)'), page['Temps passé avec ou pour les personnes (minutes)'].n, 'minutes add up');
		eq(sum('Démarches ouvertes'), page['Démarches ouvertes'].n, 'démarches add up');
		eq(sum('dont faites à la place de la personne'), page['dont faites à la place de la personne'].n, 'in the person\'s place adds up');
		eq(sum('Aides accordées (euros)'), page['Aides accordées (euros)'].n, 'euros add up');
		eq(sum('Rendez-vous manqués sans prévenir'), page['dont absentes sans prévenir'].n, 'no-shows add up (the cancelled appointment is not one)');
		eq(e.lines.filter((l) => l['Nouvelle personne sur la période'] === 'oui').length, page['dont nouvelles personnes'].n, 'new people add up');
		eq(audits('report.export_persons'), before + 1, 'report.export_persons audit row');
		eq(sql(RDB, `SELECT user_id, structure_id, object_id, detail FROM audit_log WHERE action = 'report.export_persons' ORDER BY id DESC LIMIT 1`),
			`${U['rap.resp'].id}|${SID[S1]}|8|${EXPORT_ALL.join(',')}`, 'the audit row: who, where, how many lines, which columns');
	});

	test('reports: funders\' export — the same person keeps one pseudonym within an export and gets another in the next one', async () => {
		const c = user('rap.resp');
		const cols = ['minutes', 'commune'];
		const a = await exportCsv(c, cols), b = await exportCsv(c, cols);
		const byMinutes = (e) => Object.fromEntries(e.lines.map((l) => [l['Temps passé (minutes)'], l.Pseudonyme]));
		const pa = byMinutes(a), pb = byMinutes(b);
		eq(Object.keys(pa).length, 8, 'eight people, eight pseudonyms in the first export');
		eq(Object.keys(pb).length, 8, 'eight people, eight pseudonyms in the second export');
		for (const k of Object.keys(pa))
			assert(pa[k] !== pb[k], `the person with ${k} minutes has the same pseudonym in two exports (${pa[k]})`);
		eq(new Set([...Object.values(pa), ...Object.values(pb)]).size, 16, 'no pseudonym shared by the two exports');
		eq(a.head.join(' | '), 'Pseudonyme | Commune | Temps passé (minutes)', 'columns in the list\'s order, whatever the order asked');
		/* Within the XLSX export too, each pseudonym is one line. */
		const x = await download(c, exportUrl(cols, 'xlsx'), 'spreadsheetml.sheet', 'XLSX export');
		const rows = openXlsx(x.bytes, 'export-stable.xlsx').rows.filter((r) => r && /^P-[0-9a-f]{10}$/.test(r.v[0]));
		eq(new Set(rows.map((r) => r.v[0])).size, 8, 'eight pseudonyms in the XLSX export');
		assert(!rows.some((r) => Object.values(pa).includes(r.v[0]) || Object.values(pb).includes(r.v[0])), 'a third key for a third export');
	});

	test('reports: funders\' export — XLSX opens (bold header, numbers as numbers), CSV Windows-1252 decodes', async () => {
		const c = user('rap.resp');
		const r = await download(c, exportUrl(['echanges', 'commune', 'niveau'], 'xlsx'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'XLSX export');
		has(r.headers['content-disposition'], 'export-personnes.xlsx', 'file name');
		const x = openXlsx(r.bytes, 'export.xlsx');
		eq(x.rows[0].v[0], 'Export pour les financeurs', 'title');
		const hi = x.rows.findIndex((row) => row && row.v[0] === 'Pseudonyme');
		assert(hi >= 0, 'a header row');
		const head = x.rows[hi];
		eq(head.v.join(' | '), 'Pseudonyme | Commune | Nombre d\'échanges | Niveau d\'autonomie numérique (dernier diagnostic)', 'XLSX header');
		assert(head.b.every(Boolean), 'the header row is bold');
		const lines = x.rows.slice(hi + 1).filter(Boolean);
		eq(lines.length, 8, 'eight lines');
		for (const l of lines) {
			assert(/^P-[0-9a-f]{10}$/.test(l.v[0]), `pseudonym ${l.v[0]}`);
			eq(l.t[2], 'n', 'the number of exchanges is a number');
			assert(!l.b[0], 'lines are not bold');
		}
		eq(lines.reduce((a, l) => a + l.v[2], 0), 9, 'exchanges add up');
		eq(lines.filter((l) => l.v[1] === 'Roubaix').length, 5, 'Roubaix kept');
		eq(lines.filter((l) => l.v[1] === 'Autre').length, 3, 'rare communes grouped');
		const w = await download(c, exportUrl(['age', 'commune', 'echanges'], 'csv-windows'), 'text/csv; charset=windows-1252', 'CSV Windows-1252 export');
		assert(w.bytes[0] !== 0xef, 'no byte-order mark');
		const rows = parseCsv(new TextDecoder('windows-1252').decode(w.bytes));
		eq(rows[0].join(' | '), 'Pseudonyme | Tranche d\'âge | Commune | Nombre d\'échanges', 'header with accents');
		eq(rows.length, 9, 'header and eight lines');
	});

	test('reports: funders\' export — an unknown column, no column or a bad period → 422 on the form, no file, no audit row', async () => {
		const c = user('rap.resp');
		const before = audits('report.export_persons');
		const cases = [
			[exportUrl(['age', 'religion'], 'csv'), 'colonnes', 'Colonne inconnue : religion.'],
			[exportUrl([], 'csv'), 'colonnes', 'Choisissez au moins une colonne.'],
			[exportUrl(['age,commune'], 'csv'), 'colonnes', 'Choisissez au moins une colonne.'],
			[exportUrl(['age'], 'xlsx', 'du=31/02/2025&au=31/03/2025'), 'du', 'Période invalide'],
			[exportUrl(['age'], 'csv', `du=${encodeURIComponent(TO)}&au=${encodeURIComponent(FROM)}`), 'du', 'postérieure'],
		];
		for (const [url, field, msg] of cases) {
			const r = await getBytes(c, url);
			const html = r.bytes.toString('utf8');
			eq(r.status, 422, `${url}: status`);
			has(r.headers['content-type'] || '', 'text/html', `${url}: the form again`);
			assert(!r.headers['content-disposition'], `${url}: no file`);
			has(html, `id="${field}-erreur"`, `${url}: the error next to ${field}`);
			has(unescapeHtml(html), msg, `${url}: message`);
			has(html, 'class="error-summary"', `${url}: error summary`);
			assert(!/P-[0-9a-f]{10}/.test(html), `${url}: no line of the export`);
		}
		eq(audits('report.export_persons'), before, 'no audit row for a refused export');
		/* The form sent back shows what was sent: no box checked when none was, the others as sent. */
		const none = (await getBytes(c, exportUrl([], 'csv'))).bytes.toString('utf8');
		hasNot(none, 'name="colonnes" type="checkbox" value="age" checked', 'no column sent: « age » not checked again');
		assert(!/name="colonnes" type="checkbox" value="[a-z_]+" checked/.test(none), 'no column sent: no box checked');
		has(none, 'name="format" type="radio" value="csv" checked', 'the format sent');
		const some = (await getBytes(c, exportUrl(['minutes', 'religion'], 'csv'))).bytes.toString('utf8');
		has(some, 'name="colonnes" type="checkbox" value="minutes" checked', 'a known column sent is checked again');
		hasNot(some, 'value="age" checked', 'a column not sent is not checked');
	});

	test('reports: funders\' export — the form lists every column as a checkbox, four checked by default', async () => {
		const r = await user('rap.resp').get('/rapports/export');
		status(r, 200, 'GET /rapports/export');
		const boxes = [...r.body.matchAll(/<input id="colonnes-([a-z_]+)" name="colonnes" type="checkbox" value="\1"( checked)?>/g)];
		eq(boxes.map((m) => m[1]).join(','), 'age,sexe,commune,logement,nouveau,echanges,minutes,themes,demarches,a_la_place,aides,niveau,rdv_manques', 'the columns');
		eq(boxes.filter((m) => m[2]).map((m) => m[1]).join(','), 'age,sexe,commune,echanges', 'checked by default');
		for (const f of ['xlsx', 'csv', 'csv-windows'])
			has(r.body, `<input id="format-${f}" name="format" type="radio" value="${f}"`, `format ${f}`);
		has(r.body, '<input type="hidden" name="telecharger" value="1">', 'the form downloads');
	});

	/* ---- access ---------------------------------------------------------- */

	test('reports: a worker gets 403 on the reports but 200 on « Mon activité »; reception gets 403 everywhere', async () => {
		const paths = [`/rapports/activite?${PERIOD}`, `/rapports/activite?${PERIOD}&format=csv`, '/rapports/barometre',
			`/rapports/barometre?pro=${U['rap.ts1'].id}`, '/rapports/export', exportUrl(['age'], 'csv')];
		const before = count("SELECT count(*) FROM audit_log WHERE action LIKE 'report.%'");
		for (const login of ['rap.ts1', 'rap.acc'])
			for (const p of paths) {
				const r = await getBytes(user(login), p);
				eq(r.status, 403, `${login} GET ${p}`);
				assert(!r.headers['content-disposition'], `${login} GET ${p}: no file`);
			}
		status(await user('rap.ts1').get('/mon-activite'), 200, 'worker /mon-activite');
		status(await user('rap.acc').get('/mon-activite'), 403, 'reception /mon-activite');
		eq(count("SELECT count(*) FROM audit_log WHERE action LIKE 'report.%'"), before, 'no report audit row for a refused request');
		/* The menu: « Mon activité » for the worker, « Rapports » for the head of service only. */
		const home = await user('rap.ts1').get('/');
		has(home.body, 'href="/mon-activite"', 'worker menu');
		hasNot(home.body, 'href="/rapports/activite"', 'worker menu');
		hasNot((await user('rap.acc').get('/')).body, 'href="/mon-activite"', 'reception menu');
		has((await user('rap.resp').get('/')).body, 'href="/rapports/activite"', 'head of service menu');
	});

	test('reports: the head of service of another structure only ever sees her own structure\'s figures', async () => {
		const { y, m } = parisToday();
		const c = user('rap.resp.b');
		const r = await c.get(`/rapports/activite?${PERIOD}`);
		status(r, 200, 'B: activity report');
		const rep = reportOf(r.body);
		eq(rep.totals.rows['Personnes reçues'].n, 2, 'B: people seen');
		eq(rep.totals.rows['Échanges notés'].n, 2, 'B: exchanges');
		eq(rep.totals.rows['Temps passé avec ou pour les personnes (minutes)'].n, 70, 'B: minutes');
		eq(rep.totals.rows['Démarches ouvertes'].n, 0, 'B: démarches');
		eq(rep.totals.rows['Personnes attendues à un rendez-vous'].n, 0, 'B: appointments');
		eq(Object.keys(rep.tables['Personnes par commune'].rows).join(','), 'Lille', 'B: communes');
		for (const s of ['Roubaix', 'Wattrelos', 'HYPERLINK', 'Tourcoing'])
			hasNot(r.body, s, 'B: a commune of A');
		const csv = await download(c, `/rapports/activite?${PERIOD}&format=csv`, 'text/csv', 'B: CSV');
		hasNot(csv.bytes.toString('utf8'), 'Roubaix', 'B: CSV');
		has(csv.bytes.toString('utf8'), '"Totaux";"Temps passé avec ou pour les personnes (minutes)";"70";"0"', 'B: CSV minutes');
		/* The baromètre: B's month (45 min with people), never A's workers. */
		const b = await c.get('/rapports/barometre');
		status(b, 200, 'B: baromètre');
		checkMonth(barometerOf(b.body)[monthLabel(y, m)], { people: '100 %', admin: '0 %', hours: '0', oriented: '0 %', gains: '0' }, 'B team');
		hasNot(b.body, 'Irène Premier', 'B: a worker of A in the list');
		status(await c.get(`/rapports/barometre?pro=${U['rap.ts1'].id}`), 404, 'B: a worker of A');
		/* The export: B's two people. */
		const e = await download(c, exportUrl(['commune', 'minutes'], 'csv'), 'text/csv', 'B: export');
		const lines = parseCsv(e.bytes.subarray(3).toString('utf8'));
		eq(lines.length, 3, 'B: header and two lines');
		eq(lines.slice(1).map((l) => l[2]).sort().join(','), '30,40', 'B: minutes of its two people');
		eq(lines.slice(1).map((l) => l[1]).join(','), 'Autre,Autre', 'B: Lille shared by two people only → Autre');
		/* And the audit rows are B's. */
		eq(sql(RDB, `SELECT structure_id FROM audit_log WHERE action = 'report.export_persons' ORDER BY id DESC LIMIT 1`), String(SID[S2]), 'B: audit row in B');
	});

	/* ---- a site's report (migration 018) ---------------------------------- */

	/* Sites: Maison Nord and Maison Sud for A, Site voisin for B. In March,
	 * A's entries about p101 (30 + 10 min) and p104 (15 min) were at Nord,
	 * p102's at Sud, the others nowhere in particular; appointment 1 (p101
	 * came, p102 did not) took place at Nord. Set by UPDATE: the triggers
	 * move the counts. */
	const SITE = {};
	function seedSites() {
		if (SITE.nord)
			return;
		sql(RDB, `INSERT INTO sites(structure_id, name) VALUES (${SID[S1]}, 'Maison Nord'), (${SID[S1]}, 'Maison Sud'),
			(${SID[S2]}, 'Site voisin');`);
		SITE.nord = count("SELECT id FROM sites WHERE name = 'Maison Nord'");
		SITE.sud = count("SELECT id FROM sites WHERE name = 'Maison Sud'");
		SITE.voisin = count("SELECT id FROM sites WHERE name = 'Site voisin'");
		const march = `at >= ${utc(2025, 3, 1, 0)} AND at < ${utc(2025, 3, 31, 12)}`;
		sql(RDB, `UPDATE journal_entries SET site_id = ${SITE.nord} WHERE person_id IN (101, 104) AND ${march};
			UPDATE journal_entries SET site_id = ${SITE.sud} WHERE person_id = 102 AND ${march};
			UPDATE appointments SET site_id = ${SITE.nord} WHERE id = 1;`);
	}

	test('reports: a site\'s report — only its entries and appointments, the other sections empty and saying why', async () => {
		seedSites();
		const c = user('rap.resp');
		const r = await c.get(`/rapports/activite?${PERIOD}&lieu=${SITE.nord}`);
		status(r, 200, 'the report of Maison Nord');
		has(r.body, '<h2>Du 2025-03-01 au 2025-03-31 – lieu&nbsp;: Maison Nord</h2>', 'the site in the heading');
		const rep = reportOf(r.body);
		const n = (label) => rep.totals.rows[label].n;
		eq(n('Personnes reçues'), 2, 'Nord: people seen (8 for the structure)');
		eq(n('Échanges notés'), 3, 'Nord: exchanges (9 for the structure)');
		eq(n('Temps passé avec ou pour les personnes (minutes)'), 55, 'Nord: minutes (195 for the structure)');
		eq(rep.totals.rows['Échanges notés'].prev, 0, 'Nord: nothing there in February');
		eq(n('Personnes attendues à un rendez-vous'), 2, 'Nord: appointment 1 only (6 for the structure)');
		eq(n('dont absentes sans prévenir'), 1, 'Nord: p102 missed it');
		/* No place recorded: none of the structure's figures under the site's name. */
		for (const label of ['Démarches ouvertes', 'Mandats en vigueur', 'Actes faits sous mandat', 'Demandes d\'aide financière',
			'Aides accordées (euros)', 'Personnes ayant fait le diagnostic numérique'])
			eq(n(label), 0, `Nord: ${label}`);
		eq(Object.keys(rep.tables['Démarches ouvertes, selon qui les fait'].rows).length, 0, 'Nord: no démarche rows');
		eq(Object.keys(rep.tables['Orientations proposées, par besoin'].rows).length, 0, 'Nord: no orientation rows');
		has(r.body, 'Ces chiffres ne sont pas rattachés à un lieu', 'the sections without a site say so');
		has(r.body, 'Rendez-vous fixés dans ce lieu.', 'the appointments say whose');
		/* The select: every site of A, Nord chosen, none of B's. */
		has(r.body, '<select id="lieu" name="lieu">', 'the site select');
		has(r.body, '<option value="">Toute la structure</option>', 'the whole structure');
		has(r.body, `<option value="${SITE.nord}" selected>Maison Nord</option>`, 'Nord selected');
		has(r.body, `<option value="${SITE.sud}">Maison Sud</option>`, 'Sud listed');
		hasNot(r.body, 'Site voisin', 'a site of B');
		/* Sud, and the structure unchanged by the sites. */
		const sud = reportOf((await c.get(`/rapports/activite?${PERIOD}&lieu=${SITE.sud}`)).body);
		eq(sud.totals.rows['Échanges notés'].n, 1, 'Sud: exchanges');
		eq(sud.totals.rows['Temps passé avec ou pour les personnes (minutes)'].n, 45, 'Sud: minutes');
		eq(sud.totals.rows['Personnes attendues à un rendez-vous'].n, 0, 'Sud: no appointment');
		const all = await c.get(`/rapports/activite?${PERIOD}`);
		checkFigures(reportOf(all.body), 'the structure, with sites');
		has(all.body, '<option value="" selected>Toute la structure</option>', 'the structure chosen');
		/* The exports name the site in their title line; the links keep it. */
		has(r.body, `format=csv&amp;lieu=${SITE.nord}"`, 'the CSV link keeps the site');
		const csv = (await download(c, `/rapports/activite?${PERIOD}&lieu=${SITE.nord}&format=csv`, 'text/csv', 'Nord CSV')).bytes.toString('utf8');
		has(csv, '"Rapport d\'activité – lieu\u00a0: Maison Nord";"du 2025-03-01 au 2025-03-31"', 'CSV title line');
		has(csv, '"Totaux";"Temps passé avec ou pour les personnes (minutes)";"55";"0"', 'CSV: Nord\'s minutes');
		const pdf = await download(c, `/rapports/activite?${PERIOD}&lieu=${SITE.nord}&format=pdf`, 'application/pdf', 'Nord PDF');
		const pdfPath = path.join(dir, 'site-report.pdf');
		fs.writeFileSync(pdfPath, pdf.bytes);
		has(run('pdftotext', [pdfPath, '-']).stdout.replace(/\s+/g, ' '), 'Maison Nord', 'PDF title');
		/* « Mon activité » has no site select. */
		hasNot((await user('rap.ts1').get(`/mon-activite?${PERIOD}`)).body, 'name="lieu"', 'no site on « Mon activité »');
	});

	test('reports: a site of another structure, or no site at all → 422 on the field, nothing computed or audited', async () => {
		seedSites();
		const c = user('rap.resp');
		const before = count("SELECT count(*) FROM audit_log WHERE action LIKE 'report.%'");
		for (const lieu of [SITE.voisin, 99999, 'abc']) {
			const r = await c.get(`/rapports/activite?${PERIOD}&lieu=${lieu}`);
			status(r, 422, `lieu=${lieu}`);
			has(unescapeHtml(r.body), 'Ce lieu n\'existe pas dans la structure.', `lieu=${lieu}: the message`);
			hasNot(r.body, '<caption>Totaux', `lieu=${lieu}: no figures`);
		}
		const csv = await getBytes(c, `/rapports/activite?${PERIOD}&lieu=${SITE.voisin}&format=csv`);
		eq(csv.status, 422, 'no CSV of another structure\'s site');
		eq(count("SELECT count(*) FROM audit_log WHERE action LIKE 'report.%'"), before, 'no audit row');
		/* B's own report lists only B's site. */
		const b = await user('rap.resp.b').get(`/rapports/activite?${PERIOD}`);
		has(b.body, `<option value="${SITE.voisin}">Site voisin</option>`, 'B: its site');
		hasNot(b.body, 'Maison Nord', 'B: a site of A');
	});

	test('reports: the entry form\'s « Lieu » — listed, saved, shown on the entry, the next default; another structure\'s site → 422, nothing written', async () => {
		seedSites();
		const c = user('rap.ts1');
		const page = await c.get('/personnes/105');
		status(page, 200, 'the file of p105');
		/* rap.ts1's previous entry has no site and A has two: none chosen. */
		has(page.body, '<select id="site" name="site"><option value="" selected>Sans lieu précis</option>', 'the select, no site chosen');
		has(page.body, `<option value="${SITE.sud}">Maison Sud</option>`, 'Sud listed');
		hasNot(page.body, 'Site voisin', 'a site of B');
		const token = csrfOf(page.body);
		const entry = { csrf: token, medium: 'telephone', kind: 'entretien', duration: '12', when: '', summary: 'Au lieu Sud',
			for_person: '', documents: '', private_note: '', workers: '', task_text: '', task_due: '' };
		const entries = () => count('SELECT count(*) FROM journal_entries WHERE person_id = 105');
		const before = entries();
		const bad = await c.post('/personnes/105/journal', { ...entry, site: String(SITE.voisin) });
		status(bad, 422, 'a site of B');
		has(unescapeHtml(bad.body), 'Choisissez un lieu de la structure', 'the message on the field');
		eq(entries(), before, 'nothing written');
		status(await c.post('/personnes/105/journal', { ...entry, site: 'x' }), 422, 'not a number');
		eq(entries(), before, 'nothing written');
		redirect(await c.post('/personnes/105/journal', { ...entry, site: String(SITE.sud) }), '/personnes/105#journal', 'an entry at Sud');
		eq(count('SELECT site_id FROM journal_entries WHERE person_id = 105 ORDER BY id DESC LIMIT 1'), SITE.sud, 'the site saved');
		const after = await c.get('/personnes/105');
		has(after.body, 'Par Irène Premier – lieu&nbsp;: Maison Sud</p>', 'the site on the entry');
		has(after.body, `<option value="${SITE.sud}" selected>Maison Sud</option>`, 'the next entry defaults to the previous one\'s site');
		/* And without a site: allowed. */
		redirect(await c.post('/personnes/105/journal', { ...entry, site: '' }), '/personnes/105#journal', 'an entry without a site');
		eq(sql(RDB, 'SELECT COALESCE(site_id, 0) FROM journal_entries WHERE person_id = 105 ORDER BY id DESC LIMIT 1'), '0', 'no site saved');
		/* B has no site select for A's sites, and a structure without sites has no select at all. */
		sql(RDB, `UPDATE sites SET active = 0 WHERE id = ${SITE.voisin}`);
		const bpage = await user('rap.ts.b').get('/personnes/201');
		status(bpage, 200, 'B: a file');
		hasNot(bpage.body, 'name="site"', 'B: no open site, no select');
		sql(RDB, `UPDATE sites SET active = 1 WHERE id = ${SITE.voisin}`);
	});

	test('reports: every view and export of a report is in the audit log, with the user and the structure', async () => {
		const rows = sql(RDB, `SELECT action, count(*), count(DISTINCT structure_id), min(CASE WHEN user_id IS NOT NULL THEN 1 ELSE 0 END) FROM audit_log
			WHERE action LIKE 'report.%' GROUP BY action ORDER BY action`).split('\n');
		const got = Object.fromEntries(rows.map((l) => { const [a, n, s, u] = l.split('|'); return [a, { n: Number(n), s: Number(s), u: Number(u) }]; }));
		for (const a of ['report.barometer', 'report.export', 'report.export_persons', 'report.view']) {
			assert(got[a] && got[a].n > 0, `audit rows for ${a} (${rows.join('; ')})`);
			eq(got[a].u, 1, `${a}: every row names the user`);
		}
		/* View, CSV, CSV Windows, XLSX, PDF: each a row of its own. */
		const c = user('rap.resp');
		for (const f of ['', 'csv', 'csv-windows', 'xlsx', 'pdf']) {
			const action = f ? 'report.export' : 'report.view';
			const before = audits(action);
			const r = await getBytes(c, `/rapports/activite?${PERIOD}${f ? `&format=${f}` : ''}`);
			eq(r.status, 200, `format ${f || 'page'}`);
			eq(audits(action), before + 1, `${action} for ${f || 'the page'}`);
		}
	});
};
