/*
 * HTTP tests of the anonymous questionnaire of the workers (issue 7): the
 * form (fieldsets, labels, « Je ne souhaite pas répondre », what is kept),
 * answering once a quarter and the refusal of a second answer, bad input
 * refused with nothing written, the CSRF token, the results for the head of
 * service only (403 for the others), hidden under 5 answers and published
 * by steps of 5 with the percentages the test computes from what it sent,
 * isolation between structures, what the database holds (no author, no
 * time, random ids) and the audit rows.
 *
 * Two structures of their own in the main database: Q1 with seven accounts
 * (reception, five workers, the head), Q2 with a worker and a head. The
 * quarter is the server's current one, computed here from the Paris date.
 *
 * Loaded by run.js, which passes its harness and helpers. The tests run in
 * order and share the accounts logged in by the first one.
 */
'use strict';

const crypto = require('node:crypto');
const { onPostgres } = require('../lib/backend');

module.exports = function surveyTests(h) {
	const {
		test, assert, eq, has, hasNot, status, redirect, fail, sql, lienOk,
		Client, csrfOf, loginOk, enrolTotp, resetThrottle, unescapeHtml, PW, DB,
	} = h;

	const Q1 = 'Maison du Questionnaire';
	const Q2 = 'Centre social de la Rive';
	const USERS = [
		[Q1, 'qst.acc', 'Ariane Guichet', 'accueil'],
		[Q1, 'qst.ts1', 'Basile Premier', 'travailleur_social'],
		[Q1, 'qst.ts2', 'Céline Deuxième', 'travailleur_social'],
		[Q1, 'qst.ts3', 'Dorian Troisième', 'travailleur_social'],
		[Q1, 'qst.ts4', 'Elsa Quatrième', 'travailleur_social'],
		[Q1, 'qst.ts5', 'Fabien Cinquième', 'travailleur_social'],
		[Q1, 'qst.resp', 'Gisèle Cheffe', 'responsable'],
		[Q2, 'qst.ts.b', 'Hector Voisin', 'travailleur_social'],
		[Q2, 'qst.resp.b', 'Inès Voisine', 'responsable'],
	];
	const NB = '\u00a0';
	const DECLINE = 'Je ne souhaite pas répondre';
	/* The questions in the form's order, each scale from 1 to 4. */
	const QUESTIONS = [
		['contact', 'le contact humain avec les personnes', ['Non, pas du tout', 'Un peu', 'Nettement', 'Fortement']],
		['moyens', 'Disposez-vous des moyens nécessaires', ['Non, pas du tout', 'Plutôt non', 'Plutôt oui', 'Oui, tout à fait']],
		['orienter', 'orienter ailleurs des personnes', ['Jamais', 'Parfois', 'Souvent', 'Très souvent']],
		['charge', 'La charge administrative', ['Jamais', 'Parfois', 'Souvent', 'Presque toujours']],
		['a_la_place', 'à la place des personnes', ['Jamais', 'Parfois', 'Souvent', 'Très souvent']],
	];
	const HIDDEN = `Moins de 5 réponses${NB}: les résultats ne sont pas affichés, pour préserver l'anonymat.`;
	/* What each account answers, in the order they answer ("0": declined). */
	const ANSWERS = {
		'qst.acc': ['1', '2', '3', '4', '0'],
		'qst.ts1': ['3', '2', '3', '4', '4'],
		'qst.ts2': ['4', '1', '2', '3', '4'],
		'qst.ts3': ['3', '0', '3', '4', '2'],
		'qst.resp': ['3', '2', '4', '4', '0'],
		'qst.ts4': ['1', '4', '1', '1', '1'],
		'qst.ts.b': ['2', '2', '2', '2', '2'],
	};

	const U = {};           /* login -> { id, client, csrf } */
	const SID = {};         /* structure name -> id */

	const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
	const count = (statement) => Number(sql(DB, statement));
	const nbsp = (html) => unescapeHtml(html.replace(/&nbsp;/g, NB));

	/* The quarter of today in Paris, as the server computes it, and the one before. */
	function periods() {
		const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' })
			.formatToParts(new Date()).map((x) => [x.type, x.value]));
		const y = Number(p.year), t = Math.floor((Number(p.month) - 1) / 3) + 1;
		return { current: `${y}-T${t}`, previous: t === 1 ? `${y - 1}-T4` : `${y}-T${t - 1}` };
	}
	const PERIOD = periods();

	function user(login) {
		if (!U[login] || !U[login].client)
			fail(`${login} was not logged in by the setup test`);
		return U[login];
	}

	function fields(values) {
		const f = {};
		QUESTIONS.forEach(([name], i) => {
			if (values[i] !== undefined)
				f[name] = values[i];
		});
		return f;
	}

	function send(login, values, { csrf } = {}) {
		const u = user(login);
		return u.client.post('/questionnaire', { csrf: csrf === undefined ? u.csrf : csrf, ...fields(values) });
	}

	async function answer(login) {
		const r = await send(login, ANSWERS[login]);
		redirect(r, '/questionnaire', `${login} answers`);
		const after = await user(login).client.get('/questionnaire');
		status(after, 200, `${login}: the page after answering`);
		has(nbsp(after.body), 'Merci' + NB + '!', `${login}: the thank-you page`);
		hasNot(after.body, 'action="/questionnaire"', `${login}: no form once answered`);
	}

	const written = (sid) => ({
		answers: count(`SELECT count(*) FROM survey_answers WHERE structure_id = ${sid}`),
		participations: count(`SELECT count(*) FROM survey_participations WHERE structure_id = ${sid}`),
		audits: count(`SELECT count(*) FROM audit_log WHERE action = 'survey.answer' AND structure_id = ${sid}`),
	});

	/* The results page: for each quarter, whether it is shown and, per
	 * question, the rows { label: [count, share] } in the page's order. */
	function resultsOf(html) {
		const out = {};
		const starts = [...html.matchAll(/<section aria-labelledby="p-(\d{4}-T\d)"/g)];
		starts.forEach((m, i) => {
			const end = i + 1 < starts.length ? starts[i + 1].index : html.indexOf('</main>');
			const part = html.slice(m.index, end);
			const questions = [];
			for (const qm of part.matchAll(/<h3 id="q-[^"]+">([^<]*)<\/h3>([\s\S]*?)<\/section>/g)) {
				const rows = [];
				for (const rm of qm[2].matchAll(/<tr><th scope="row">([^<]*)<\/th><td>(\d+)<\/td><td>([^<]*)<\/td><\/tr>/g))
					rows.push([unescapeHtml(rm[1]), Number(rm[2]), unescapeHtml(rm[3])]);
				questions.push({ legend: nbsp(qm[1]), rows, svg: (/<svg[^>]*>/.exec(qm[2]) || [''])[0] });
			}
			out[m[1]] = { hidden: nbsp(part).includes(HIDDEN), text: nbsp(part), questions };
		});
		return out;
	}

	/* The rows a head should see for answer sets: count and share of each
	 * answer, the scale then "declined", shares rounded half up. */
	function expected(sets) {
		return QUESTIONS.map(([, , scale], qi) => {
			const total = sets.length;
			return ['1', '2', '3', '4', '0'].map((v) => {
				const n = sets.filter((s) => s[qi] === v).length;
				const pct = Math.floor((n * 100 + Math.floor(total / 2)) / total);
				return [v === '0' ? DECLINE : scale[Number(v) - 1], n, `${pct}${NB}%`];
			});
		});
	}

	function checkShown(period, sets, what) {
		assert(period, `${what}: the quarter has a section`);
		assert(!period.hidden, `${what}: the results are shown`);
		eq(period.questions.length, QUESTIONS.length, `${what}: one table per question`);
		const want = expected(sets);
		period.questions.forEach((got, i) => {
			has(got.legend, QUESTIONS[i][1], `${what}: question ${i + 1}`);
			eq(JSON.stringify(got.rows), JSON.stringify(want[i]), `${what}: question ${i + 1} (${QUESTIONS[i][0]})`);
			has(got.svg, 'aria-hidden="true"', `${what}: chart of question ${i + 1} hidden from screen readers`);
		});
		has(period.text, `Résultats établis sur ${sets.length} réponses.`, `${what}: the number of answers`);
	}

	async function results(login) {
		const r = await user(login).client.get('/rapports/questionnaire');
		status(r, 200, `${login}: GET /rapports/questionnaire`);
		return resultsOf(r.body);
	}

	/* ---- setup ---------------------------------------------------------------- */

	test('survey: setup — two structures, nine accounts logged in', async () => {
		resetThrottle();
		for (const s of [Q1, Q2]) {
			lienOk('structure', 'add', s, '--db', DB);
			SID[s] = count(`SELECT id FROM structures WHERE name = ${q(s)}`);
		}
		for (const [s, l, n, r] of USERS) {
			lienOk('user', 'add', '--db', DB, '--structure', s, '--login', l, '--name', n, '--role', r, '--password', PW);
			U[l] = { id: count(`SELECT id FROM users WHERE login = '${l}'`) };
		}
		for (const [, l, , r] of USERS) {
			const c = new Client(h.main);
			if (r === 'responsable')
				await enrolTotp(c, l);
			else
				await loginOk(c, l);
			const page = await c.get('/questionnaire');
			status(page, 200, `${l}: GET /questionnaire`);
			U[l].client = c;
			U[l].csrf = csrfOf(page.body);
		}
	});

	/* ---- the form -------------------------------------------------------------- */

	test('survey: the form — five labelled groups of radios, « Je ne souhaite pas répondre », what is kept, the quarter', async () => {
		const r = await user('qst.acc').client.get('/questionnaire');
		status(r, 200, 'reception: GET /questionnaire');
		const body = nbsp(r.body);
		has(r.body, '<form method="post" action="/questionnaire"', 'the form');
		has(r.body, 'name="csrf"', 'the CSRF token');
		const sets = [...r.body.matchAll(/<fieldset class="question[^"]*"[^>]*>\s*<legend>([^<]*)<\/legend>([\s\S]*?)<\/fieldset>/g)];
		eq(sets.length, QUESTIONS.length, 'one fieldset per question');
		sets.forEach((m, i) => {
			const [name, words, scale] = QUESTIONS[i];
			const legend = nbsp(m[1]);
			has(legend, words, `legend ${i + 1}`);
			assert(legend.endsWith(`${NB}?`), `legend ${i + 1} ends with a no-break space and "?": ${JSON.stringify(legend)}`);
			const radios = [...m[2].matchAll(/<input id="([^"]+)" name="([^"]+)" type="radio" value="([^"]+)"><label for="([^"]+)">([^<]*)<\/label>/g)];
			eq(JSON.stringify(radios.map((x) => [x[2], x[3], unescapeHtml(x[5])])),
				JSON.stringify([...scale.map((l, k) => [name, String(k + 1), l]), [name, '0', DECLINE]]), `the answers of question ${i + 1}`);
			for (const x of radios)
				eq(x[1], x[4], `question ${i + 1}: each label names its radio`);
			eq(radios[0][1], name, `question ${i + 1}: the first radio carries the question's id (error links)`);
		});
		has(body, 'sans votre nom, sans date ni heure', 'says what is not kept');
		has(body, 'pour que personne ne réponde deux fois', 'says what is kept apart, and why');
		has(body, 'à partir de 5 réponses', 'says results need 5 answers');
		const [y, t] = PERIOD.current.split('-T');
		has(body, `${t}${t === '1' ? 'er' : 'e'} trimestre ${y}`, 'the quarter');
		has(r.body, '<a href="/questionnaire">Questionnaire anonyme', 'the link in the footer');
	});

	/* ---- refusals: nothing half-written --------------------------------------- */

	test('survey: without or with a wrong CSRF token → 403, nothing written', async () => {
		const before = written(SID[Q1]);
		status(await send('qst.acc', ANSWERS['qst.acc'], { csrf: '' }), 403, 'POST without a token');
		status(await send('qst.acc', ANSWERS['qst.acc'], { csrf: 'x'.repeat(43) }), 403, 'POST with a wrong token');
		eq(JSON.stringify(written(SID[Q1])), JSON.stringify(before), 'rows after the refusals');
		has((await user('qst.acc').client.get('/questionnaire')).body, 'action="/questionnaire"', 'the form is still offered');
	});

	test('survey: a missing question or an unknown answer → 422 with the error on the question, nothing written', async () => {
		const before = written(SID[Q1]);
		const missing = await send('qst.acc', ['1', '2', '3', undefined, '0']);
		status(missing, 422, 'one question missing');
		const m = nbsp(missing.body);
		has(m, `Choisissez une réponse pour «${NB}Charge administrative${NB}», ou «${NB}${DECLINE}${NB}».`, 'the message');
		has(missing.body, 'id="charge-erreur"', 'the error next to the question');
		has(missing.body, '<a href="#charge">', 'the summary links to the question');
		has(missing.body, 'id="contact" name="contact" type="radio" value="1" checked', 'the answers given are kept');
		has(missing.body, 'id="a_la_place-0" name="a_la_place" type="radio" value="0" checked', '« declined » is kept');
		const unknown = await send('qst.acc', ['1', '7', '3', '4', 'oui']);
		status(unknown, 422, 'unknown answers');
		const u = nbsp(unknown.body);
		has(u, `Réponse impossible pour «${NB}Moyens pour aider au numérique${NB}»${NB}: choisissez l'une des réponses proposées.`, 'the message');
		has(unknown.body, 'id="a_la_place-erreur"', 'the second bad answer is named too');
		has(u, 'Le formulaire contient 2 erreurs', 'two errors');
		status(await send('qst.acc', []), 422, 'nothing answered');
		eq(JSON.stringify(written(SID[Q1])), JSON.stringify(before), 'rows after the refusals');
	});

	/* ---- answering, once ------------------------------------------------------ */

	test('survey: reception answers → thank-you page, one participation, five answers, no form any more', async () => {
		const before = written(SID[Q1]);
		const r = await send('qst.acc', ANSWERS['qst.acc']);
		redirect(r, '/questionnaire', 'POST /questionnaire');
		assert(r.setCookies.some((c) => c.startsWith('lien_flash=Merci')), 'a thank-you message');
		const after = await user('qst.acc').client.get('/questionnaire');
		status(after, 200, 'the page after answering');
		const text = nbsp(after.body);
		has(text, 'Merci' + NB + ': vos réponses sont enregistrées, sans votre nom.', 'the message');
		has(text, 'Vous avez répondu au questionnaire du', 'the thank-you page');
		has(text, 'Le prochain questionnaire sera ouvert à partir du', 'when the next one opens');
		hasNot(after.body, 'action="/questionnaire"', 'no form once answered');
		eq(JSON.stringify(written(SID[Q1])), JSON.stringify({ answers: before.answers + 5, participations: before.participations + 1,
			audits: before.audits + 1 }), 'rows written');
		/* Another worker of the structure is still asked. */
		has((await user('qst.ts1').client.get('/questionnaire')).body, 'action="/questionnaire"', 'the form for a colleague');
	});

	test('survey: a second answer in the quarter → 409, refused clearly, nothing written', async () => {
		const before = written(SID[Q1]);
		const r = await send('qst.acc', ['4', '4', '4', '4', '4']);
		status(r, 409, 'second POST');
		has(nbsp(r.body), 'Vous avez déjà répondu au questionnaire de ce trimestre.', 'the refusal');
		has(nbsp(r.body), `n'a pas été enregistrée${NB}: seules vos premières réponses comptent`, 'the first answers stand');
		hasNot(r.body, 'action="/questionnaire"', 'no form offered');
		eq(JSON.stringify(written(SID[Q1])), JSON.stringify(before), 'rows after the refusal');
		eq(count(`SELECT count(*) FROM survey_answers WHERE structure_id = ${SID[Q1]} AND answer = 4 AND question = 'contact'`), 0,
			'the second answers are nowhere');
	});

	/* ---- the results ---------------------------------------------------------- */

	test('survey: results are the head\'s only — 403 for reception and a worker, 200 for the head', async () => {
		for (const l of ['qst.acc', 'qst.ts1', 'qst.ts.b']) {
			const r = await user(l).client.get('/rapports/questionnaire');
			status(r, 403, `${l}: GET /rapports/questionnaire`);
			hasNot(r.body, 'Résultats établis', `${l}: no figures`);
		}
		status(await user('qst.resp').client.get('/rapports/questionnaire'), 200, 'the head');
		/* Linked from the reports. */
		has((await user('qst.resp').client.get('/rapports/barometre')).body, 'href="/rapports/questionnaire"', 'link from the baromètre');
		has((await user('qst.ts1').client.get('/mon-activite')).body, 'href="/questionnaire"', 'link from « Mon activité »');
	});

	test('survey: 4 answers → hidden; the 5th → shown, counts and percentages as sent; the 6th waits for the next step of 5', async () => {
		for (const l of ['qst.ts1', 'qst.ts2', 'qst.ts3'])
			await answer(l);
		eq(written(SID[Q1]).participations, 4, 'four answers');
		let res = await results('qst.resp');
		assert(res[PERIOD.current] && res[PERIOD.previous], 'a section for each quarter');
		assert(res[PERIOD.current].hidden, `4 answers: « ${HIDDEN} »`);
		eq(res[PERIOD.current].questions.length, 0, '4 answers: no table');
		assert(res[PERIOD.previous].hidden, 'an empty previous quarter is hidden too');

		await answer('qst.resp');
		const five = ['qst.acc', 'qst.ts1', 'qst.ts2', 'qst.ts3', 'qst.resp'].map((l) => ANSWERS[l]);
		res = await results('qst.resp');
		checkShown(res[PERIOD.current], five, '5 answers');
		hasNot(res[PERIOD.current].text, HIDDEN, '5 answers: no hiding message');

		/* A sixth answer: comparing the page before and after it must not
		 * give that person's answers away — the figures stay those of five. */
		await answer('qst.ts4');
		res = await results('qst.resp');
		checkShown(res[PERIOD.current], five, '6 answers');
		has(res[PERIOD.current].text, `6 réponses reçues en tout${NB}: les suivantes seront comptées quand elles formeront un groupe de 5.`,
			'6 answers: says the sixth waits');
		eq(written(SID[Q1]).answers, 6 * QUESTIONS.length, 'the sixth answer is stored');
	});

	test('survey: the previous quarter is shown beside the current one (15 answers, rounded percentages)', async () => {
		/* A finished quarter, written as the application would have: the
		 * answers under random ids and the counts published at 15. */
		const sets = [];
		for (let i = 0; i < 15; i++)
			sets.push(QUESTIONS.map((_, qi) => String((i * (qi + 2) + qi) % 5)));
		const rows = [];
		for (const set of sets)
			set.forEach((v, qi) => {
				const id = crypto.randomBytes(8).readBigUInt64BE() & ((1n << 63n) - 1n);
				rows.push(`(${id}, ${SID[Q1]}, '${PERIOD.previous}', '${QUESTIONS[qi][0]}', ${v})`);
			});
		sql(DB, `INSERT INTO survey_answers(id, structure_id, period, question, answer) VALUES ${rows.join(', ')}`);
		sql(DB, `INSERT INTO survey_tallies(structure_id, period, question, answer, n) SELECT structure_id, period, question, answer, ` +
			`count(*) FROM survey_answers WHERE structure_id = ${SID[Q1]} AND period = '${PERIOD.previous}' ` +
			'GROUP BY structure_id, period, question, answer');
		const res = await results('qst.resp');
		checkShown(res[PERIOD.previous], sets, 'previous quarter');
		checkShown(res[PERIOD.current], ['qst.acc', 'qst.ts1', 'qst.ts2', 'qst.ts3', 'qst.resp'].map((l) => ANSWERS[l]),
			'current quarter beside it');
	});

	test('survey: isolation — the other structure\'s head sees only her own (hidden) quarter; her worker\'s answer counts nowhere else', async () => {
		const q1Before = written(SID[Q1]);
		await answer('qst.ts.b');
		eq(JSON.stringify(written(SID[Q1])), JSON.stringify(q1Before), 'nothing written for the first structure');
		eq(JSON.stringify(written(SID[Q2])), JSON.stringify({ answers: 5, participations: 1, audits: 1 }), 'the second structure\'s rows');
		const other = await results('qst.resp.b');
		assert(other[PERIOD.current].hidden, 'the second structure: 1 answer, hidden');
		assert(other[PERIOD.previous].hidden, 'the second structure: no previous quarter (the first structure\'s is not hers)');
		const own = await results('qst.resp');
		checkShown(own[PERIOD.current], ['qst.acc', 'qst.ts1', 'qst.ts2', 'qst.ts3', 'qst.resp'].map((l) => ANSWERS[l]),
			'the first structure, unchanged');
		/* Answering in one structure does not count as answering in another. */
		has((await user('qst.ts5').client.get('/questionnaire')).body, 'action="/questionnaire"', 'the form for a worker who did not answer');
	});

	/* ---- what the database holds ------------------------------------------------ */

	function columns(table) {
		const q_ = onPostgres
			? `SELECT column_name FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`
			: `SELECT name FROM pragma_table_info('${table}') ORDER BY cid`;
		return sql(DB, q_).split('\n').filter(Boolean);
	}

	function foreignTables(table) {
		const q_ = onPostgres
			? 'SELECT DISTINCT ccu.table_name FROM information_schema.table_constraints tc JOIN information_schema.constraint_column_usage ccu ' +
			  `ON ccu.constraint_name = tc.constraint_name WHERE tc.table_name = '${table}' AND tc.constraint_type = 'FOREIGN KEY' ORDER BY 1`
			: `SELECT DISTINCT "table" FROM pragma_foreign_key_list('${table}') ORDER BY 1`;
		return sql(DB, q_).split('\n').filter(Boolean);
	}

	test('survey: anonymity in the database — no author, no time, random ids, nothing shared with the participations', async () => {
		eq(JSON.stringify(columns('survey_answers')), JSON.stringify(['id', 'structure_id', 'period', 'question', 'answer']),
			'the columns of survey_answers');
		eq(JSON.stringify(foreignTables('survey_answers')), JSON.stringify(['structures']), 'survey_answers refers to the structure only');
		eq(JSON.stringify(columns('survey_participations')), JSON.stringify(['structure_id', 'period', 'user_id']),
			'the columns of survey_participations');
		eq(JSON.stringify(columns('survey_tallies')), JSON.stringify(['structure_id', 'period', 'question', 'answer', 'n']),
			'the columns of survey_tallies');
		/* The period is the quarter, nothing finer. */
		eq(count(`SELECT count(*) FROM survey_answers WHERE period NOT IN ('${PERIOD.current}', '${PERIOD.previous}')`), 0, 'periods');
		/* Ids drawn at random over 63 bits: none small, all distinct, spread. */
		const n = count(`SELECT count(*) FROM survey_answers WHERE period = '${PERIOD.current}'`);
		eq(n, 7 * QUESTIONS.length, 'answers of the quarter');
		eq(count(`SELECT count(DISTINCT id) FROM survey_answers WHERE period = '${PERIOD.current}'`), n, 'distinct ids');
		eq(count(`SELECT count(*) FROM survey_answers WHERE id < 4294967296`), 0, 'no id below 2^32 (no sequence)');
		const where = `structure_id = ${SID[Q1]} AND period = '${PERIOD.current}'`;
		if (!onPostgres) { /* the table is kept in id order: no hidden order of insertion either */
			eq(count('SELECT count(*) FROM survey_answers WHERE rowid <> id'), 0, 'the rowid is the random id');
		} else {
			/* PostgreSQL keeps the writing transaction (xmin) and the order of
			 * writing (ctid): the quarter's rows share one and follow the ids. */
			eq(count(`SELECT count(DISTINCT xmin::text) FROM survey_answers WHERE ${where}`), 1, 'one xmin for the quarter\'s answers');
			eq(count(`SELECT count(*) FROM survey_answers a JOIN survey_participations p ON a.xmin = p.xmin WHERE a.${where.replace(' AND ', ' AND a.')} ` +
				`AND p.user_id <> ${U['qst.ts4'].id}`), 0, 'no answer shares its xmin with another participation than the latest');
			eq(sql(DB, `SELECT id FROM survey_answers WHERE ${where} ORDER BY ctid`), sql(DB, `SELECT id FROM survey_answers WHERE ${where} ORDER BY id`),
				'the rows lie in id order');
		}
		/* The ids in the order of the table do not follow the questions of
		 * one questionnaire: the rows of the quarter, read by id, are not
		 * grouped five by five in the form's order. */
		const seq = sql(DB, `SELECT question FROM survey_answers WHERE ${where} ORDER BY id`)
			.split('\n');
		const grouped = seq.every((x, i) => x === QUESTIONS[i % QUESTIONS.length][0]);
		assert(!grouped, 'the answers read by id are not in the order they were written');
		/* The audit rows say who answered and when, never what. */
		const details = sql(DB, "SELECT DISTINCT detail FROM audit_log WHERE action = 'survey.answer'").split('\n');
		eq(JSON.stringify(details), JSON.stringify([PERIOD.current]), 'the detail of survey.answer is the quarter alone');
	});

	test('survey: audit — one survey.answer per questionnaire by its author, one survey.view per reading of the results', async () => {
		const ans = sql(DB, `SELECT user_id FROM audit_log WHERE action = 'survey.answer' AND structure_id IN (${SID[Q1]}, ${SID[Q2]}) ORDER BY id`)
			.split('\n').map(Number);
		eq(JSON.stringify(ans), JSON.stringify(['qst.acc', 'qst.ts1', 'qst.ts2', 'qst.ts3', 'qst.resp', 'qst.ts4', 'qst.ts.b'].map((l) => U[l].id)),
			'who answered, in order (refused attempts left no row)');
		const views = count(`SELECT count(*) FROM audit_log WHERE action = 'survey.view' AND user_id = ${U['qst.resp'].id}`);
		await results('qst.resp');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'survey.view' AND user_id = ${U['qst.resp'].id}`), views + 1, 'a view adds a row');
		eq(sql(DB, `SELECT structure_id || '|' || detail FROM audit_log WHERE action = 'survey.view' ORDER BY id DESC LIMIT 1`),
			`${SID[Q1]}|${PERIOD.current}`, 'the view row: the structure and the quarter');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'survey.view' AND user_id IN (${U['qst.acc'].id}, ${U['qst.ts1'].id})`), 0,
			'refused readers left no view row');
	});
};
