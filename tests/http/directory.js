/*
 * HTTP tests of the directory search and orientations (issue 6): the shipped
 * samples imported with `lien import services`, then the search by theme,
 * by words with and without accents, by distance from a commune (order
 * checked against distances computed here), open at a given moment and
 * open now (checked against `lien hours`), eligibility for a person; the
 * orientation workflow with its automatic follow-up task, its history and
 * the printed slip with the hours in words; the structure's own partners;
 * isolation between structures; reception refused on orientations; the
 * figures in the activity report.
 *
 * Loaded by run.js, which passes its harness and helpers:
 *   require('./directory')({ test, assert, ..., get main() { return main; } })
 * The tests run in order and share what the setup test created.
 */
'use strict';

const path = require('node:path');

module.exports = function directoryTests(h) {
	const {
		test, assert, eq, has, hasNot, status, fail, textOf, short, lienOk, lien, sql,
		Client, csrfOf, loginOk, enrolTotp, resetThrottle, unescapeHtml,
		PW, ROOT, DB, STRUCT_A, STRUCT_B,
	} = h;

	const SAMPLES = path.join(ROOT, 'tests', 'directory', 'samples');
	const U = {};           /* login -> { id, client, csrf } */
	let P = 0;              /* a file of A, living in Charmé (16083) */
	let PB = 0;             /* a file of B */
	let O = 0;              /* the orientation of the workflow */
	let ST_FRAIGNE = 0;     /* the bus stop of Saint-Fraigne: Mo 09:30-12:30,13:30-15:30 */
	let LOCAL = 0;          /* a local service of A */

	const USERS = [
		[STRUCT_A, 'dir.ts', 'Inès Orientation', 'travailleur_social'],
		[STRUCT_A, 'dir.resp', 'Jules Annuaire', 'responsable'],
		[STRUCT_A, 'dir.acc', 'Karim Guichet', 'accueil'],
		[STRUCT_B, 'dir.tsb', 'Léa Voisine', 'travailleur_social'],
	];

	function user(login) {
		if (!U[login] || !U[login].client)
			fail(`${login} was not logged in by the setup test`);
		return U[login];
	}
	const count = (statement) => Number(sql(DB, statement));
	const get = (login, url) => user(login).client.get(url);
	const post = (login, url, fields) => user(login).client.post(url, { csrf: user(login).csrf, ...fields });

	function located(res, re, what) {
		const m = res.status === 303 && re.exec(res.headers.location || '');
		if (!m)
			fail(`${what}: expected 303 to ${re}, got ${res.status} ${res.headers.location || ''} — ${short(textOf(res.body), 400)}`);
		return Number(m[1]);
	}

	function errorsFor(html, field) {
		const summary = /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(html);
		if (!summary)
			return [];
		return [...summary[1].matchAll(/<a href="#([^"]*)">([^<]*)<\/a>/g)].filter((m) => m[1] === field).map((m) => unescapeHtml(m[2]));
	}

	function fieldError(res, field, message, what) {
		const msgs = errorsFor(res.body, field);
		if (!msgs.length)
			fail(`${what}: no error for ${field} — ${short(textOf(res.body), 400)}`);
		if (message && !msgs.some((m) => m.includes(message)))
			fail(`${what}: error of ${field} ${JSON.stringify(msgs)} does not say ${JSON.stringify(message)}`);
	}

	/* The results of a search page, in order. */
	function results(html) {
		const list = /<ol class="entries results">([\s\S]*?)<\/ol>/.exec(html);
		if (!list)
			return [];
		return list[1].split('<li>').slice(1).map((item) => {
			const a = /<h3><a href="([^"]+)">([^<]*)<\/a>/.exec(item);
			const d = /<strong>À ([0-9,]+) km<\/strong>/.exec(item);
			return {
				href: a ? a[1] : '', title: a ? unescapeHtml(a[2]) : '',
				km: d ? Number(d[1].replace(',', '.')) : null, html: item,
			};
		});
	}

	function totalOf(html) {
		const m = /<h2 id="resultats">(\d+) services? trouvés?/.exec(html);
		if (!m)
			fail(`no result count — ${short(textOf(html), 300)}`);
		return Number(m[1]);
	}

	/* Every result of a search, page after page. */
	async function allResults(login, url) {
		const out = [];
		for (let page = 1; page < 50; page++) {
			const r = await get(login, `${url}&page=${page}`);
			status(r, 200, `GET ${url} page ${page}`);
			out.push(...results(r.body));
			if (!/rel="next"/.test(r.body))
				return { total: totalOf(r.body), hits: out };
		}
		fail('more than 50 pages');
	}

	const hrefOf = (id, local = false) => (local ? `/annuaire/locaux/${id}` : `/annuaire/services/${id}`);

	function haversine(lat1, lon1, lat2, lon2) {
		const r = (d) => (d * Math.PI) / 180;
		const dp = r(lat2 - lat1), dl = r(lon2 - lon1);
		const a = Math.sin(dp / 2) ** 2 + Math.cos(r(lat1)) * Math.cos(r(lat2)) * Math.sin(dl / 2) ** 2;
		return 6371 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
	}

	/* Located services (national, and A's local ones) as rows. */
	function locatedServices(structureId) {
		const rows = sql(DB, `SELECT s.id, 0, s.geo_lat, s.geo_lon, COALESCE(s.horaires_accueil, st.horaires_accueil, '') ` +
			`FROM dir_services s JOIN dir_structures st ON st.id = s.structure_ref WHERE s.geo_cell IS NOT NULL ` +
			`UNION ALL SELECT s.id, 1, s.geo_lat, s.geo_lon, COALESCE(s.horaires_accueil, st.horaires_accueil, '') ` +
			`FROM dir_local_services s JOIN dir_local_structures st ON st.id = s.partner_id ` +
			`WHERE s.structure_id = ${structureId} AND s.active = 1 AND s.geo_cell IS NOT NULL`);
		return rows.split('\n').filter(Boolean).map((l) => {
			const [id, local, lat, lon, ...hours] = l.split('|');
			return { id: Number(id), local: local === '1', lat: Number(lat), lon: Number(lon), hours: hours.join('|') };
		});
	}

	/* The point Lien gives a commune: the mean of its located services. */
	function communePoint(insee) {
		const [lat, lon] = sql(DB, `SELECT avg(geo_lat), avg(geo_lon) FROM dir_services WHERE code_insee = '${insee}' ` +
			'AND geo_cell IS NOT NULL').split('|').map(Number);
		return { lat, lon };
	}

	/* Whether `lien hours` says the value is open at a local minute "YYYY-MM-DD HH:MM". */
	function openAt(value, at) {
		if (!value)
			return false;
		const [d, t] = at.split(' ');
		const [hh, mm] = t.split(':').map(Number);
		const next = `${d} ${String(hh + (mm === 59 ? 1 : 0)).padStart(2, '0')}:${String((mm + 1) % 60).padStart(2, '0')}`;
		const r = lien('hours', value, '--from', at, '--to', next, '--json');
		try {
			const j = JSON.parse(r.stdout);
			return j.valid && j.open_intervals.some((iv) => !iv[2]);
		} catch (e) {
			fail(`lien hours ${value}: ${r.stdout} ${r.stderr}`);
		}
	}

	function parisNow() {
		const f = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit',
			hour: '2-digit', minute: '2-digit', hour12: false });
		return f.format(new Date()).replace('T', ' ');
	}

	const PERSON = {
		civilite: 'Mme', birth_name: 'Orientée', usage_name: '', first_names: 'Lucie', birth_date: '03/04/1975',
		birth_place: '', nationality: '', address: '5 route de Ruffec', postal_code: '16140', commune_name: 'Charmé',
		phone: '', phone2: '', email: '', preferred_channel: 'courrier', languages: '', housing: '', resources: '',
		protection: 'aucune', protector_contact: '', caf_number: '', nir: '', info_date: '02/01/2025',
		info_method: 'oral_notice', autre_personne: '1',
	};

	/* ------------------------------------------------------------------ */

	test('directory: setup — samples imported with lien import services, accounts, files in A and B', async () => {
		for (const f of ['lmn-20231003-bus-france-services-charente.SANITIZED.json', 'di-v1-from-lmn-nouvelle-caledonie.DERIVED.json',
			'exemple-valide.csv'])
			lienOk('import', 'services', path.join(SAMPLES, f), '--db', DB);
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
		P = located(await post('dir.ts', '/personnes', PERSON), /^\/personnes\/(\d+)$/, 'file in A');
		PB = located(await post('dir.tsb', '/personnes', { ...PERSON, birth_name: 'Voisine' }), /^\/personnes\/(\d+)$/, 'file in B');
		eq(sql(DB, `SELECT commune_insee FROM persons WHERE id = ${P}`), '16083', 'the file lives in Charmé');
		ST_FRAIGNE = count("SELECT s.id FROM dir_services s JOIN dir_structures st ON st.id = s.structure_ref " +
			"WHERE st.nom = 'Bus France Services - [Face à la boulangerie]'");
		assert(ST_FRAIGNE > 0, 'the Saint-Fraigne stop is imported');
	});

	test('directory: search page for every staff role; ?theme=numerique (the diagnostic\'s link) finds the digital places', async () => {
		for (const l of ['dir.acc', 'dir.ts', 'dir.resp']) {
			const r = await get(l, '/annuaire');
			status(r, 200, `GET /annuaire as ${l}`);
			has(r.body, '<h1>Annuaire des services</h1>', 'title');
			has(r.body, 'Choisissez un besoin, tapez des mots ou indiquez un lieu pour chercher.', 'nothing searched yet');
			has(r.body, '<label for="q">Des mots</label>', 'labelled words field');
		}
		const { total, hits } = await allResults('dir.acc', '/annuaire?theme=numerique&lieu=');
		const want = count("SELECT count(DISTINCT service_id) FROM dir_service_themes WHERE theme >= 'numerique--' AND theme <= 'numerique--~'");
		assert(want >= 100, `the samples hold digital places (${want})`);
		eq(total, want, 'services of the Numérique category');
		eq(hits.length, want, 'every page together');
		const page1 = await get('dir.acc', '/annuaire?theme=numerique&lieu=');
		has(page1.body, '<option value="numerique" selected>Numérique : tous</option>', 'the theme stays chosen');
		eq(results(page1.body).length, 20, '20 per page');
		has(page1.body, 'rel="next"', 'a next page');
		hasNot(page1.body, 'Orienter ', 'no person: nothing to orient');
		/* A sub-thématique. */
		const sub = await get('dir.acc', '/annuaire?theme=numerique--acquerir-un-equipement&lieu=');
		eq(totalOf(sub.body), count("SELECT count(*) FROM dir_service_themes WHERE theme = 'numerique--acquerir-un-equipement'"), 'a sub-thème');
	});

	test('directory: words with and without accents, French forms: "démarche" finds "démarches administratives"', async () => {
		const forms = ['démarche', 'demarche', 'DÉMARCHES', 'Demarches'];
		const sets = [];
		for (const q of forms) {
			const { total, hits } = await allResults('dir.ts', `/annuaire?lieu=&q=${encodeURIComponent(q)}`);
			assert(total > 0 && total === hits.length, `${q}: ${total} results`);
			sets.push(hits.map((x) => x.href).sort().join(' '));
		}
		for (let i = 1; i < sets.length; i++)
			eq(sets[i], sets[0], `"${forms[i]}" finds what "${forms[0]}" finds`);
		/* The Charente stops have "Accompagnement aux démarches administratives" among their themes. */
		assert(sets[0].includes(hrefOf(ST_FRAIGNE)), 'the Saint-Fraigne stop is found');
		const two = await get('dir.ts', `/annuaire?lieu=&q=${encodeURIComponent('démarches administratives boulangerie')}`);
		eq(results(two.body).map((x) => x.href).join(' '), hrefOf(ST_FRAIGNE), 'several words: all must match');
		eq(totalOf((await get('dir.ts', '/annuaire?lieu=&q=zzzzqqq')).body), 0, 'no match');
	});

	test('directory: around a commune — located services by distance, the distance shown, others left out', async () => {
		const r = await get('dir.ts', `/annuaire?lieu=commune&commune=${encodeURIComponent('16140 Charmé')}&rayon=20`);
		status(r, 200, 'search around Charmé');
		has(r.body, 'autour de Charmé (rayon de 20 km)', 'the place and radius said');
		const c = communePoint('16083');
		const want = locatedServices(1).map((s) => ({ ...s, km: haversine(c.lat, c.lon, s.lat, s.lon) }))
			.filter((s) => s.km <= 20).sort((a, b) => a.km - b.km);
		const got = results(r.body);
		eq(totalOf(r.body), want.length, 'services within 20 km');
		assert(want.length >= 8, `the bus stops around Charmé (${want.length})`);
		eq(got.map((x) => x.href).join(' '), want.slice(0, 20).map((s) => hrefOf(s.id, s.local)).join(' '), 'nearest first');
		got.forEach((x, i) => {
			assert(x.km !== null, `${x.title}: distance shown`);
			assert(Math.abs(x.km - want[i].km) <= (want[i].km < 10 ? 0.06 : 0.6), `${x.title}: ${x.km} km, computed ${want[i].km.toFixed(2)}`);
		});
		/* A smaller radius keeps the nearest only. */
		const five = await get('dir.ts', `/annuaire?lieu=commune&commune=16140+Charm%C3%A9&rayon=5`);
		eq(totalOf(five.body), want.filter((s) => s.km <= 5).length, 'within 5 km');
		/* An unknown commune: a clear message, no search by place. */
		const bad = await get('dir.ts', '/annuaire?lieu=commune&commune=Nullepartville');
		status(bad, 200, 'unknown commune');
		has(bad.body, 'Commune inconnue', 'message');
	});

	test('directory: services with no coordinates still appear, by commune then département', async () => {
		/* Aigre (16005) has no located service: the place has no point. */
		const r = await get('dir.ts', '/annuaire?lieu=commune&commune=Aigre&rayon=10');
		status(r, 200, 'search around Aigre');
		has(r.body, 'les services sont classés par commune puis par département, sans distance', 'said');
		const inDep = count("SELECT count(*) FROM dir_services WHERE code_insee >= '16' AND code_insee < '16~'");
		eq(totalOf(r.body), inDep, 'every service of the Charente');
		has(r.body, '<strong>Même département</strong>', 'placed by département');
	});

	test('directory: open at a given moment, checked with lien hours; open now on the server clock', async () => {
		const base = `/annuaire?lieu=commune&commune=16140+Charm%C3%A9&rayon=50`;
		const c = communePoint('16083');
		const around = locatedServices(1).filter((s) => haversine(c.lat, c.lon, s.lat, s.lon) <= 50);
		/* Tuesday 1 December 2026 (week 49, odd), Friday 18 and Christmas Friday 25 December at 10:00. */
		for (const [day, at] of [['01/12/2026', '2026-12-01 10:00'], ['18/12/2026', '2026-12-18 10:00'], ['25/12/2026', '2026-12-25 10:00']]) {
			const { total, hits } = await allResults('dir.ts', `${base}&ouvert=jour&jour=${day}&heure=10:00`);
			const want = around.filter((s) => openAt(s.hours, at)).map((s) => hrefOf(s.id, s.local)).sort();
			eq(total, want.length, `open on ${at}`);
			eq(hits.map((x) => x.href).sort().join(' '), want.join(' '), `the services open on ${at}`);
			if (at.startsWith('2026-12-01'))
				assert(want.length > 0, 'some stop is open on Tuesday 1 December');
			if (at.startsWith('2026-12-25'))
				eq(want.length, 0, 'Christmas (PH off): all closed');
		}
		/* Open some time on a day (no hour). */
		const day = await allResults('dir.ts', `${base}&ouvert=jour&jour=30/11/2026`);
		const wantDay = around.filter((s) => ['08:00', '09:45', '10:00', '14:00'].some((t) => openAt(s.hours, `2026-11-30 ${t}`)));
		assert(day.total >= wantDay.length && day.total > 0, `open on Monday 30 November (${day.total})`);
		/* A malformed day or hour: said, and the criterion left out. */
		const bad = await get('dir.ts', `${base}&ouvert=jour&jour=31/02/2026`);
		has(bad.body, 'Indiquez le jour au format JJ/MM/AAAA.', 'bad day');
		/* Open now: the server's clock, checked with lien hours for the same
		 * minute (asserted only when the minute did not change meanwhile). */
		const before = parisNow();
		const now = await allResults('dir.ts', `${base}&ouvert=maintenant`);
		const after = parisNow();
		if (before === after) {
			const want = around.filter((s) => openAt(s.hours, before)).map((s) => hrefOf(s.id, s.local)).sort();
			eq(now.hits.map((x) => x.href).sort().join(' '), want.join(' '), `open now (${before})`);
		}
		/* The hours in words on each result. */
		const r = await get('dir.ts', `${base}&rayon=20`);
		assert(/<p class="hours">(Ouvert maintenant|Fermé)[^<]*<\/p>/.test(r.body), 'hours in words on the results');
	});

	test('directory: searching for a person — around their commune, eligibility noted, eligible only', async () => {
		const r = await get('dir.ts', `/annuaire?personne=${P}&theme=numerique`);
		status(r, 200, 'search for the person');
		has(r.body, 'Recherche pour <strong>Mme ORIENTÉE Lucie</strong>', 'the person named');
		has(r.body, 'autour de Charmé', 'around the person\'s commune by default');
		has(r.body, 'Ouvert aux habitants de la commune de Mme ORIENTÉE Lucie.', 'eligible (zone 16)');
		has(r.body, `/personnes/${P}/orientations/nouvelle?service=`, 'orient from a result');
		/* Anywhere: the Nouvelle-Calédonie places (zone 988) are out of the person's zone. */
		const all = await allResults('dir.ts', `/annuaire?personne=${P}&theme=numerique&lieu=`);
		const out = all.hits.filter((x) => x.html.includes('Hors de la zone de ce service'));
		const zoneOk = count("SELECT count(DISTINCT t.service_id) FROM dir_service_themes t JOIN dir_services s ON s.id = t.service_id " +
			"WHERE t.theme >= 'numerique--' AND t.theme <= 'numerique--~' AND (s.zone_eligibilite IS NULL OR " +
			"s.zone_eligibilite = '16' OR s.zone_eligibilite LIKE '16|%' OR s.zone_eligibilite LIKE '%|16' OR " +
			"s.zone_eligibilite LIKE '%|16|%' OR s.zone_eligibilite = 'france')");
		eq(all.total - out.length, zoneOk, 'eligible services');
		assert(out.length >= 90, `out of zone (${out.length})`);
		const only = await allResults('dir.ts', `/annuaire?personne=${P}&theme=numerique&lieu=&eligible=1`);
		eq(only.total, zoneOk, 'eligible only');
		assert(!only.hits.some((x) => x.html.includes('Hors de la zone')), 'none out of zone');
		/* Reception searches too, but does not orient. */
		const acc = await get('dir.acc', `/annuaire?personne=${P}&theme=numerique`);
		status(acc, 200, 'reception searches for the person');
		hasNot(acc.body, '/orientations/nouvelle', 'no orientation link for reception');
	});

	test('directory: a national service\'s page — fields in plain French, the week\'s hours in words, the source', async () => {
		const r = await get('dir.acc', `/annuaire/services/${ST_FRAIGNE}`);
		status(r, 200, 'service page');
		has(r.body, '<h1>Bus France Services - [Face à la boulangerie]</h1>', 'the place');
		has(r.body, 'Chaque semaine', 'the same hours every week');
		has(r.body, '<li>Lundi : de 9 h 30 à 12 h 30 et de 13 h 30 à 15 h 30</li>', 'the week in words');
		has(r.body, '<dt>Adresse</dt><dd>Rue du Chant du Coq, 16140 Saint-Fraigne</dd>', 'address');
		has(r.body, '<dt>Besoins</dt>', 'themes in words');
		has(r.body, 'Accompagnement aux démarches administratives', 'a theme label');
		has(r.body, 'Source : Bus France Services en Charente (Licence Ouverte), mise à jour le 31/12/1969.', 'attribution');
		status(await get('dir.acc', '/annuaire/services/999999999'), 404, 'unknown service');
		/* An invalid hours value is shown raw and flagged. */
		const bad = count(`SELECT id FROM dir_services WHERE horaires_accueil IS NOT NULL AND id <> ${ST_FRAIGNE} LIMIT 1`);
		const kept = sql(DB, `SELECT horaires_accueil FROM dir_services WHERE id = ${bad}`);
		sql(DB, `UPDATE dir_services SET horaires_accueil = 'tous les jours sauf lundi' WHERE id = ${bad}`);
		const raw = await get('dir.acc', `/annuaire/services/${bad}`);
		sql(DB, `UPDATE dir_services SET horaires_accueil = '${kept.replace(/'/g, "''")}' WHERE id = ${bad}`);
		has(raw.body, 'ne peuvent pas être lus par Lien', 'flagged');
		has(raw.body, '« tous les jours sauf lundi »', 'shown raw');
	});

	test('directory: reception gets 403 on every orientation page; B sees nothing of A', async () => {
		status(await get('dir.acc', `/personnes/${P}/orientations/nouvelle?service=${ST_FRAIGNE}`), 403, 'accueil: the form');
		status(await post('dir.acc', `/personnes/${P}/orientations`, { service: String(ST_FRAIGNE), reason: 'x' }), 403, 'accueil: POST');
		status(await get('dir.tsb', `/personnes/${P}/orientations/nouvelle?service=${ST_FRAIGNE}`), 404, 'B: A\'s file');
		status(await post('dir.tsb', `/personnes/${P}/orientations`, { service: String(ST_FRAIGNE), reason: 'Essai', status: 'proposee' }),
			404, 'B: POST on A\'s file');
		eq(count(`SELECT count(*) FROM orientations WHERE person_id = ${P}`), 0, 'nothing stored');
	});

	test('orientation: the form, its errors (nothing stored), then transmise with a follow-up task', async () => {
		const form = await get('dir.ts', `/personnes/${P}/orientations/nouvelle?service=${ST_FRAIGNE}&theme=numerique`);
		status(form, 200, 'the form');
		has(form.body, '<h1>Orienter Mme ORIENTÉE Lucie</h1>', 'title');
		has(form.body, 'Bus France Services - [Face à la boulangerie]', 'the service');
		has(form.body, '<option value="numerique" selected>Numérique</option>', 'the need from the search');
		has(form.body, 'Bonjour, je viens de la part de', 'what to say, prefilled');
		/* Without a service: back to the directory. */
		const none = await get('dir.ts', `/personnes/${P}/orientations/nouvelle`);
		eq(none.status, 303, 'no service chosen');
		eq(none.headers.location, `/annuaire?personne=${P}`, 'to the directory, for the person');
		const fields = { service: String(ST_FRAIGNE), theme: 'numerique', reason: '', shared: 'Ne sait pas se servir de son téléphone',
			how_to_go: 'Le bus s\'arrête face à la boulangerie', to_bring: 'Son téléphone et ses codes CAF', to_say: '',
			status: 'transmise', reminder_days: '10' };
		const bad = await post('dir.ts', `/personnes/${P}/orientations`, fields);
		status(bad, 422, 'missing reason, sharing without consent');
		fieldError(bad, 'reason', 'pourquoi', 'reason');
		fieldError(bad, 'consent', "sans l'accord de la personne", 'consent');
		eq(count(`SELECT count(*) FROM orientations WHERE person_id = ${P}`), 0, 'nothing stored');
		const tasks = count(`SELECT count(*) FROM tasks WHERE person_id = ${P}`);
		O = located(await post('dir.ts', `/personnes/${P}/orientations`, { ...fields, reason: 'Apprendre à faire ses démarches CAF', consent: '1' }),
			/^\/orientations\/(\d+)$/, 'orientation created');
		const row = sql(DB, `SELECT status, theme, partner_type, consent, reminder_days, task_id IS NOT NULL FROM orientations WHERE id = ${O}`);
		eq(row, 'transmise|numerique|conseillers-numeriques|1|10|1', 'the orientation row');
		eq(count(`SELECT count(*) FROM tasks WHERE person_id = ${P}`), tasks + 1, 'a follow-up task');
		const due = sql(DB, `SELECT t.due_date FROM tasks t JOIN orientations o ON o.task_id = t.id WHERE o.id = ${O}`);
		const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date());
		const dueWant = new Date(Date.parse(today + 'T12:00:00Z') + 10 * 86400000).toISOString().slice(0, 10);
		eq(due, dueWant, 'the task is due 10 days from today');
		has(sql(DB, `SELECT text FROM tasks WHERE id = (SELECT task_id FROM orientations WHERE id = ${O})`),
			'Orientation vers Bus France Services', 'the task says what it is about');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'orientation.add' AND object_type = 'person' AND object_id = ${P}`), 1, 'audited on the file');
		eq(count(`SELECT count(*) FROM orientation_events WHERE orientation_id = ${O}`), 1, 'first history row');
	});

	test('orientation: the page, the file\'s section and its tasks', async () => {
		const r = await get('dir.ts', `/orientations/${O}`);
		status(r, 200, 'orientation page');
		has(r.body, 'Transmise au partenaire', 'status');
		has(r.body, '(avec l\'accord de la personne)', 'consent said');
		has(r.body, `<a class="button primary" href="/orientations/${O}/fiche">Imprimer la fiche pour la personne</a>`, 'slip link');
		has(r.body, 'name="version" value="1"', 'version for the update');
		const file = await get('dir.ts', `/personnes/${P}`);
		has(file.body, '<h2 id="orientations">Orientations</h2>', 'the section on the file');
		has(file.body, `<a href="/orientations/${O}">Bus France Services - [Face à la boulangerie]`, 'the orientation listed');
		has(file.body, '<strong>Transmise au partenaire</strong>', 'its status');
		has(file.body, `<a class="button" href="/annuaire?personne=${P}">Orienter vers un service</a>`, 'orient from the file');
		has(file.body, 'Orientation vers Bus France Services', 'the follow-up task on the file');
		const acc = await get('dir.acc', `/personnes/${P}`);
		hasNot(acc.body, 'id="orientations"', 'reception does not see the section');
		status(await get('dir.acc', `/orientations/${O}`), 403, 'reception: the orientation');
		status(await get('dir.tsb', `/orientations/${O}`), 404, 'B: the orientation');
		status(await get('dir.tsb', `/orientations/${O}/fiche`), 404, 'B: the slip');
		status(await post('dir.tsb', `/orientations/${O}`, { version: '1', status: 'realisee' }), 404, 'B: an update');
	});

	test('orientation: the printed slip — one page, where, when open (in words), phone, what to bring and say', async () => {
		const r = await get('dir.ts', `/orientations/${O}/fiche`);
		status(r, 200, 'the slip');
		has(r.body, '<body class="paper">', 'a paper page');
		has(r.body, '<h1>Où aller : Bus France Services - [Face à la boulangerie]</h1>', 'where');
		has(r.body, 'Rue du Chant du Coq, 16140 Saint-Fraigne', 'the address');
		has(r.body, '<h2>Quand c\'est ouvert</h2>', 'when');
		has(r.body, '<li>Lundi : de 9 h 30 à 12 h 30 et de 13 h 30 à 15 h 30</li>', 'the opening hours in words');
		has(r.body, 'Le bus s&#39;arrête face à la boulangerie', 'how to go');
		has(r.body, 'Son téléphone et ses codes CAF', 'what to bring');
		has(r.body, '<h2>Ce qu\'il faut dire en arrivant</h2>', 'what to say');
		has(r.body, '<h2>Le téléphone</h2>', 'phone');
		has(r.body, 'Appelez Inès Orientation à', 'the worker to call');
		has(r.body, 'Mme ORIENTÉE Lucie', 'for the person');
		hasNot(r.body, 'Ne sait pas se servir', 'what was shared with the partner is not on the slip');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'orientation.print_slip' AND object_id = ${P}`), 1, 'printing audited');
	});

	test('orientation: news closes the loop — history, the task ticked off, a stale form refused (409)', async () => {
		let r = await post('dir.ts', `/orientations/${O}`, { version: '1', status: 'transmise', channel: '', note: '' });
		status(r, 422, 'same status and no note');
		fieldError(r, 'note', 'écrivez ce qui s', 'note');
		r = await post('dir.ts', `/orientations/${O}`, { version: '1', status: 'contactee', channel: 'partenaire', note: 'Rendez-vous le 3 au bus' });
		eq(r.status, 303, 'news recorded');
		eq(r.headers.location, `/orientations/${O}`, 'back to the orientation');
		eq(sql(DB, `SELECT status, version FROM orientations WHERE id = ${O}`), 'contactee|2', 'status and version');
		eq(sql(DB, `SELECT done_at IS NOT NULL FROM tasks WHERE id = (SELECT task_id FROM orientations WHERE id = ${O})`), '1', 'task ticked off');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'orientation.status' AND object_id = ${P}`), 1, 'audited');
		r = await post('dir.ts', `/orientations/${O}`, { version: '1', status: 'abandonnee', channel: 'telephone', note: '' });
		status(r, 409, 'stale version');
		has(r.body, 'Quelqu&#39;un a mis à jour cette orientation', 'conflict explained');
		eq(sql(DB, `SELECT status FROM orientations WHERE id = ${O}`), 'contactee', 'not overwritten');
		r = await post('dir.ts', `/orientations/${O}`, { version: '2', status: 'realisee', channel: 'personne', note: '' });
		eq(r.status, 303, 'done');
		const page = await get('dir.ts', `/orientations/${O}`);
		const history = [...page.body.matchAll(/<strong>([^<]+)<\/strong>(?: – appris par : ([^<]+))?/g)].map((m) => m[1] + (m[2] ? '/' + unescapeHtml(m[2]) : ''));
		assert(history.join(' ; ').includes('Transmise au partenaire ; Contactée par le partenaire/La réponse du partenaire ; Réalisée/La personne nous l\'a dit'),
			`the history: ${history.join(' ; ')}`);
		has(page.body, 'Rendez-vous le 3 au bus', 'the note');
		/* Proposée first: the task comes with "transmise". */
		const O2 = located(await post('dir.ts', `/personnes/${P}/orientations`, { service: String(ST_FRAIGNE), theme: 'numerique',
			reason: 'Ateliers', shared: '', status: 'proposee', reminder_days: '' }), /^\/orientations\/(\d+)$/, 'proposée');
		eq(sql(DB, `SELECT task_id IS NULL, reminder_days FROM orientations WHERE id = ${O2}`), '1|15', 'no task yet; the default delay');
		eq((await post('dir.ts', `/orientations/${O2}`, { version: '1', status: 'transmise', channel: 'telephone', note: '' })).status, 303, 'transmise');
		eq(sql(DB, `SELECT task_id IS NOT NULL FROM orientations WHERE id = ${O2}`), '1', 'the task now');
	});

	test('directory: the structure\'s partners — place, a partner and its service found in searches, 409, withdrawn; B never sees them', async () => {
		status(await get('dir.ts', '/annuaire/partenaires'), 403, 'workers do not manage partners');
		let r = await post('dir.resp', '/annuaire/reglages', { commune: 'Nullepart', latitude: '', longitude: '', reminder_days: '400' });
		status(r, 422, 'bad settings');
		fieldError(r, 'commune', 'Commune inconnue', 'commune');
		fieldError(r, 'reminder_days', 'entre 1 et 365', 'days');
		r = await post('dir.resp', '/annuaire/reglages', { commune: '16140 Charmé', latitude: '', longitude: '', reminder_days: '21' });
		eq(r.status, 303, 'settings saved');
		const page = await get('dir.resp', '/annuaire/partenaires');
		has(page.body, 'value="Charmé (16083)"', 'the commune shown back');
		r = await post('dir.resp', '/annuaire/partenaires', { nom: '' });
		status(r, 422, 'a partner needs a name');
		r = await post('dir.resp', '/annuaire/partenaires', { nom: 'Épicerie solidaire du Ruffécois', adresse: '2 rue du Marché',
			code_postal: '16700', commune: 'Ruffec', latitude: '46.0290', longitude: '0.1970', telephone: '05 45 00 00 00' });
		eq(r.status, 303, 'partner saved');
		const partner = count("SELECT id FROM dir_local_structures WHERE nom = 'Épicerie solidaire du Ruffécois'");
		const form = await get('dir.resp', `/annuaire/partenaires/${partner}/services/nouveau`);
		status(form, 200, 'the service form');
		has(form.body, 'name="thematiques"', 'themes as checkboxes');
		const body = new URLSearchParams({ csrf: user('dir.resp').csrf, nom: 'Colis et vestiaire solidaire',
			description: 'Colis alimentaires et vêtements, sur orientation.', horaires_accueil: 'Mo-Fr 09:00-12:00; PH off',
			zone_eligibilite: '16', frais: 'gratuit' });
		for (const t of ['equipement-et-alimentation--alimentation', 'equipement-et-alimentation--habillement'])
			body.append('thematiques', t);
		body.append('modes_mobilisation', 'telephoner');
		body.append('mobilisable_par', 'professionnels');
		r = await user('dir.resp').client.post(`/annuaire/partenaires/${partner}/services`, body.toString());
		LOCAL = located(r, /^\/annuaire\/locaux\/(\d+)$/, 'local service saved');
		/* Found by words, by theme and around Charmé, first among equals. */
		let s = await get('dir.ts', `/annuaire?lieu=&q=${encodeURIComponent('vêtements solidaire')}`);
		eq(results(s.body).map((x) => x.href).join(' '), hrefOf(LOCAL, true), 'by words');
		has(s.body, '<span class="tag">Partenaire de la structure</span>', 'marked as the structure\'s');
		s = await get('dir.ts', '/annuaire?lieu=structure&rayon=20&theme=equipement-et-alimentation');
		const hit = results(s.body).find((x) => x.href === hrefOf(LOCAL, true));
		assert(hit && hit.km > 5 && hit.km < 20, `around the structure, with its distance (${hit && hit.km})`);
		const svc = await get('dir.acc', hrefOf(LOCAL, true));
		status(svc, 200, 'its page, for reception too');
		has(svc.body, 'Partenaire enregistré par votre structure', 'local, no national source');
		has(svc.body, '<dt>Zone où il est ouvert</dt><dd>département 16</dd>', 'zone in words');
		/* A stale form is refused. */
		const edit = await get('dir.resp', `/annuaire/locaux/${LOCAL}/modifier`);
		status(edit, 200, 'edit form');
		const version = /name="version" value="(\d+)"/.exec(edit.body)[1];
		const upd = new URLSearchParams(body);
		upd.set('nom', 'Colis, vestiaire et meubles');
		upd.set('version', version);
		eq((await user('dir.resp').client.post(`/annuaire/locaux/${LOCAL}`, upd.toString())).status, 303, 'updated');
		status(await user('dir.resp').client.post(`/annuaire/locaux/${LOCAL}`, upd.toString()), 409, 'stale form');
		/* Another structure sees nothing of it. */
		s = await get('dir.tsb', `/annuaire?lieu=&q=${encodeURIComponent('vestiaire solidaire')}`);
		eq(totalOf(s.body), 0, 'B does not find A\'s partner');
		status(await get('dir.tsb', hrefOf(LOCAL, true)), 404, 'B: its page');
		/* Withdrawn: gone from searches. */
		eq((await post('dir.resp', `/annuaire/locaux/${LOCAL}/retirer`, {})).status, 303, 'withdrawn');
		s = await get('dir.ts', `/annuaire?lieu=&q=${encodeURIComponent('vestiaire solidaire')}`);
		eq(totalOf(s.body), 0, 'no longer found');
		eq((await post('dir.resp', `/annuaire/locaux/${LOCAL}/retirer`, { actif: '1' })).status, 303, 'restored');
		eq(totalOf((await get('dir.ts', `/annuaire?lieu=&q=vestiaire`)).body), 1, 'found again');
	});

	test('orientation: the activity report counts orientations by need, partner type and outcome', async () => {
		const iso = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date());
		const fr = iso.split('-').reverse().join('/');
		const r = await get('dir.resp', `/rapports/activite?du=${fr}&au=${fr}`);
		status(r, 200, 'the report');
		for (const t of ['Orientations proposées, par besoin', 'Orientations proposées, par type de partenaire',
			'Orientations proposées : où elles en sont'])
			has(r.body, t, `table ${t}`);
		const text = textOf(r.body);
		assert(/Orientations proposées, par besoin.*Numérique/.test(text), 'by need: Numérique');
		assert(/type de partenaire.*Conseillers Numériques/.test(text), 'by partner type');
		assert(/où elles en sont.*Réalisée/.test(text), 'by outcome');
	});
};
