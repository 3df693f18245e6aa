/*
 * HTTP tests of the digital diagnostic (issue 5): the form, validation with
 * precise field errors and nothing stored, the level and path computed and
 * stored, the printed result with the comparison to the previous one, the
 * history on the person's file, isolation between structures (404) and
 * reception refused (403).
 *
 * Loaded by run.js, which passes its harness and helpers:
 *   require('./diagnostic')({ test, assert, ..., get main() { return main; } })
 * The tests run in order and share the file created by the setup test.
 */
'use strict';

module.exports = function diagnosticTests(h) {
	const {
		test, assert, eq, has, hasNot, status, fail, textOf, short, lienOk, sql,
		Client, csrfOf, loginOk, enrolTotp, resetThrottle, unescapeHtml,
		PW, DB, STRUCT_A, STRUCT_B,
	} = h;

	const U = {};           /* login -> { id, client, csrf } */
	let P = 0;              /* the person's id */
	const D = [];           /* the diagnostics' ids, in order */

	const USERS = [
		[STRUCT_A, 'diag.ts', 'Nadia Numérique', 'travailleur_social'],
		[STRUCT_A, 'diag.resp', 'Odette Responsable', 'responsable'],
		[STRUCT_A, 'diag.acc', 'Paul Guichet', 'accueil'],
		[STRUCT_B, 'diag.tsb', 'Quentin Ailleurs', 'travailleur_social'],
	];
	const SKILLS = ['skill_device', 'skill_find', 'skill_communicate', 'skill_procedure', 'skill_scams', 'skill_accounts'];
	const NB = '\u00a0';

	function user(login) {
		if (!U[login] || !U[login].client)
			fail(`${login} was not logged in by the setup test`);
		return U[login];
	}

	function person() {
		if (!P)
			fail('the file was not created by the setup test');
		return P;
	}

	const count = (statement) => Number(sql(DB, statement));
	const diagnostics = () => count(`SELECT count(*) FROM diagnostics WHERE person_id = ${person()}`);

	function post(login, url, fields) {
		const u = user(login);
		return u.client.post(url, { csrf: u.csrf, ...fields });
	}

	/* URLSearchParams for a form with checkboxes: arrays give one field per value. */
	function form(fields) {
		const p = new URLSearchParams();
		for (const [k, v] of Object.entries(fields))
			for (const x of Array.isArray(v) ? v : [v])
				if (x !== undefined)
					p.append(k, x);
		return p.toString();
	}

	/* A complete diagnostic; skills as an array of six values. */
	function answers({ equipment = ['smartphone'], shared = '0', internet = ['domicile'], email = '1', identity = '1',
			   skills = [3, 3, 3, 3, 3, 3], done_on, comment = '' } = {}) {
		const f = { equipment, equipment_shared: shared, internet, email_usable: email, identity_usable: identity, comment };
		if (done_on !== undefined)
			f.done_on = done_on;
		SKILLS.forEach((s, i) => { f[s] = skills[i] === undefined ? undefined : String(skills[i]); });
		return f;
	}

	function send(login, fields, id = person()) {
		return user(login).client.post(`/personnes/${id}/diagnostic`, form({ csrf: user(login).csrf, ...fields }));
	}

	async function sendOk(login, fields, what) {
		const r = await send(login, fields);
		const m = r.status === 303 && /^\/diagnostics\/(\d+)$/.exec(r.headers.location || '');
		if (!m)
			fail(`${what}: expected 303 to /diagnostics/ID, got ${r.status} ${r.headers.location || ''} — ${short(textOf(r.body), 400)}`);
		D.push(Number(m[1]));
		return Number(m[1]);
	}

	function fieldError(html, name, what) {
		const m = new RegExp(`<p class="field-error" id="${name}-erreur">([^<]*)</p>`).exec(html);
		if (!m)
			fail(`${what}: no error shown for ${name} — ${short(textOf(html), 300)}`);
		return unescapeHtml(m[1]);
	}

	function summaryLinks(html) {
		const s = /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(html);
		return s ? [...s[1].matchAll(/<a href="#([^"]+)">/g)].map((m) => m[1]) : [];
	}

	/* The <input> tags of a question, in order, as [[value, tag]]. */
	function inputList(html, name) {
		return [...html.matchAll(new RegExp(`<input id="[^"]*" name="${name}" type="(?:radio|checkbox)" value="([^"]*)"[^>]*>`, 'g'))]
			.map((m) => [m[1], m[0]]);
	}

	const valuesOf = (html, name) => inputList(html, name).map(([v]) => v).join(',');

	/* The <input> tag of one answer. */
	function inputOf(html, name, value) {
		const i = inputList(html, name).find(([v]) => v === value);
		if (!i)
			fail(`no answer ${value} for ${name}`);
		return i[1];
	}

	/* ------------------------------------------------------------------ */

	test('diagnostic: setup — a worker, a responsable and reception of A, a worker of B; a file in A', async () => {
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
		const r = await post('diag.ts', '/personnes', {
			civilite: 'M.', birth_name: 'Diagnostic', usage_name: '', first_names: 'Marcel', birth_date: '12/04/1951',
			birth_place: '', nationality: '', address: '', postal_code: '', commune_name: '', phone: '', phone2: '',
			email: '', preferred_channel: 'telephone', languages: '', housing: '', resources: '', protection: 'aucune',
			protector_contact: '', caf_number: '', nir: '', info_date: '02/01/2025', info_method: 'oral_notice',
		});
		const m = r.status === 303 && /^\/personnes\/(\d+)$/.exec(r.headers.location || '');
		if (!m)
			fail(`create the file: ${r.status} ${r.headers.location || ''} — ${short(textOf(r.body), 300)}`);
		P = Number(m[1]);
	});

	test('diagnostic: the file page has the section, with no diagnostic yet and the link to the form', async () => {
		const page = await user('diag.ts').client.get(`/personnes/${person()}`);
		status(page, 200, 'file page');
		has(page.body, '<section aria-labelledby="diagnostic">', 'the section');
		has(page.body, '<h2 id="diagnostic">Diagnostic numérique</h2>', 'its heading');
		has(page.body, 'Aucun diagnostic pour le moment.', 'no diagnostic yet');
		has(page.body, `<a href="/personnes/${person()}/diagnostic">Faire le diagnostic</a>`, 'the link to the form');
	});

	test('diagnostic: the form — fieldsets with legends, labelled radios and checkboxes, today\'s date, nothing pre-answered', async () => {
		const page = await user('diag.ts').client.get(`/personnes/${person()}/diagnostic`);
		status(page, 200, 'GET the form');
		const html = page.body;
		has(html, `action="/personnes/${person()}/diagnostic"`, 'the form posts to the same address');
		has(html, 'name="csrf"', 'csrf field');
		const legends = [...html.matchAll(/<legend>([^<]*)<\/legend>/g)].map((m) => unescapeHtml(m[1]));
		eq(legends.length, 11, `eleven questions (${legends.join(' | ')})`);
		for (const l of ['Utiliser un appareil', 'Trouver une information', 'Communiquer', 'Faire une démarche en ligne',
				 'Se protéger des arnaques', 'Gérer ses comptes et mots de passe'])
			assert(legends.includes(l), `a fieldset for "${l}"`);
		for (const s of SKILLS) {
			eq(valuesOf(html, s), '1,2,3,4', `${s}: four radio buttons`);
			has(inputOf(html, s, '1'), `id="${s}"`, `${s}: the first answer has the question's id (error summary link)`);
			has(inputOf(html, s, '1'), 'type="radio"', `${s}: radio`);
		}
		for (const label of ['Je ne sais pas faire', 'Je fais avec de l&#39;aide', 'Je fais sans aide, mais c&#39;est difficile', 'Je fais sans aide, facilement'])
			has(html, `>${label}</label>`, `scale label ${label}`);
		eq(valuesOf(html, 'equipment'), 'smartphone,ordinateur,tablette,aucun', 'equipment checkboxes');
		has(inputOf(html, 'equipment', 'tablette'), 'type="checkbox"', 'equipment: checkboxes');
		eq(valuesOf(html, 'internet'), 'domicile,mobile,lieu_public,aucun', 'internet checkboxes');
		for (const q of ['equipment_shared', 'email_usable', 'identity_usable'])
			eq(valuesOf(html, q), q === 'equipment_shared' ? '0,1' : '1,0', `${q} radios`);
		/* Every input has its label. */
		for (const m of html.matchAll(/<input id="([^"]+)" name="(?:equipment|internet|skill_|email|identity)[^"]*"/g))
			has(html, `<label for="${m[1]}">`, `label for ${m[1]}`);
		hasNot(html, ' checked', 'no answer chosen in advance');
		const d = new Date();
		const today = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
		has(html, `id="done_on" name="done_on" type="text" inputmode="numeric" value="${today}"`, 'today\'s date by default');
	});

	test('diagnostic: reception gets 403 on the form, the POST and a result; nothing stored', async () => {
		const before = diagnostics();
		status(await user('diag.acc').client.get(`/personnes/${person()}/diagnostic`), 403, 'accueil GET the form');
		status(await send('diag.acc', answers()), 403, 'accueil POST');
		eq(diagnostics(), before, 'diagnostics stored');
	});

	test('diagnostic: missing answers and out-of-range values → 422, an error on each field, nothing stored', async () => {
		const before = diagnostics();
		const audits = count(`SELECT count(*) FROM audit_log WHERE action = 'diagnostic.add'`);
		/* Nothing answered at all. */
		let r = await send('diag.ts', { done_on: '' });
		status(r, 422, 'empty form');
		const expected = ['equipment', 'internet', 'email_usable', 'identity_usable', ...SKILLS];
		eq(summaryLinks(r.body).join(','), expected.join(','), 'the error summary links to each unanswered question');
		has(r.body, 'Le formulaire contient 10 erreurs', 'the count of errors');
		has(r.body, '<title>Erreur – ', 'the title says there are errors');
		eq(fieldError(r.body, 'skill_find', 'empty form'), `Choisissez une réponse pour «${NB}Trouver une information${NB}».`, 'message of skill_find');
		eq(fieldError(r.body, 'equipment', 'empty form'), `Cochez au moins une réponse pour «${NB}Appareils${NB}», ou «${NB}Aucun appareil${NB}».`, 'message of equipment');
		has(r.body, '<fieldset class="question has-error" aria-describedby="skill_find-aide skill_find-erreur">', 'the fieldset is described by its error');

		/* Out of range, unknown values, "aucun" with a device, a future date;
		 * the other answers are kept as typed. */
		r = await send('diag.ts', answers({ skills: [3, 5, 3, 0, 'abc', 4], email: '2', equipment: ['aucun', 'smartphone'],
						    internet: ['fibre'], done_on: '01/01/2999', comment: 'Gardé' }));
		status(r, 422, 'bad values');
		eq(summaryLinks(r.body).join(','), 'done_on,equipment,internet,email_usable,skill_find,skill_procedure,skill_scams', 'fields in error');
		has(fieldError(r.body, 'skill_find', 'bad values'), `Réponse impossible pour «${NB}Trouver une information${NB}»`, 'out of range');
		has(fieldError(r.body, 'equipment', 'bad values'), 'ne peut pas être coché avec une autre réponse', '"aucun" with a device');
		has(fieldError(r.body, 'done_on', 'bad values'), 'dans le futur', 'future date');
		has(inputOf(r.body, 'skill_device', '3'), 'checked', 'a good answer is kept');
		has(inputOf(r.body, 'skill_accounts', '4'), 'checked', 'another good answer is kept');
		hasNot(inputOf(r.body, 'skill_accounts', '3'), 'checked', 'only the answer given');
		has(r.body, '>Gardé</textarea>', 'the comment is kept');

		/* Devices but not said whether they are shared. */
		r = await send('diag.ts', answers({ shared: '' }));
		status(r, 422, 'sharing not answered');
		eq(summaryLinks(r.body).join(','), 'equipment_shared', 'only sharing in error');

		eq(diagnostics(), before, 'nothing stored');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'diagnostic.add'`), audits, 'nothing audited');
	});

	test('diagnostic: no csrf → 403, nothing stored', async () => {
		const before = diagnostics();
		const r = await user('diag.ts').client.post(`/personnes/${person()}/diagnostic`, form(answers()));
		status(r, 403, 'POST without csrf');
		eq(diagnostics(), before, 'nothing stored');
	});

	test('diagnostic: a first diagnostic → 303 to its result; level, path and answers stored; audited', async () => {
		/* No device, internet only in a public place: at most "Débutant". */
		const id = await sendOk('diag.ts', answers({ equipment: ['aucun'], shared: '', internet: ['lieu_public'], email: '0', identity: '0',
							     skills: [2, 2, 1, 1, 2, 1], done_on: '15/01/2025', comment: 'Vient avec son fils.' }), 'first diagnostic');
		const row = sql(DB, `SELECT done_on || '|' || equipment || '|' || equipment_shared || '|' || internet || '|' || email_usable || '|' || identity_usable || '|' ||
				    skill_device || skill_find || skill_communicate || skill_procedure || skill_scams || skill_accounts || '|' || level || '|' || path || '|' || comment || '|' || created_by
				    FROM diagnostics WHERE id = ${id}`);
		eq(row, `2025-01-15|aucun|0|lieu_public|0|0|221121|1|mandat|Vient avec son fils.|${U['diag.ts'].id}`, 'stored row (sum 9: level 1, mandate)');
		eq(count(`SELECT count(*) FROM audit_log WHERE action = 'diagnostic.add' AND object_type = 'person' AND object_id = ${person()} AND user_id = ${U['diag.ts'].id}`), 1, 'diagnostic.add audited on the person');
	});

	test('diagnostic: the printed result — level in words, what it means, next step, where to learn, contact', async () => {
		const c = user('diag.ts').client;
		if (!D[0])
			fail('the first diagnostic was not stored by the earlier test');
		const r = await c.get(`/diagnostics/${D[0]}`);
		status(r, 200, 'GET the result');
		const html = r.body;
		has(html, '<body class="paper">', 'a paper page');
		has(html, '<h1>Votre diagnostic numérique</h1>', 'title for the person');
		has(html, 'Votre niveau&nbsp;: <strong>Éloigné du numérique</strong> (1 sur 4)', 'the level in words');
		has(html, '<li aria-current="step">1. Éloigné du numérique', 'the level marked on the scale of four');
		has(html, 'On peut apprendre à tout âge.', 'what it means');
		has(html, "c'est un mandat", 'the next step: a mandate');
		has(html, "Demandez-nous l'adresse", 'where to learn: ask the worker (no directory yet)');
		has(html, 'Fait le 15/01/2025 avec Nadia Numérique', 'date and worker');
		has(html, 'Marcel', 'the person\'s name');
		has(html, STRUCT_A, 'the structure');
		has(html, '<h2>Qui contacter</h2>', 'whom to contact');
		has(html, '<div class="no-print">', 'the team comment is not printed');
		hasNot(html, 'Depuis la dernière fois', 'no comparison for a first diagnostic');
		const text = textOf(html);
		has(text, 'Ce que vous faites sans aide', 'what the person does alone');
		has(text, "Pour l'instant, rien.", 'nothing alone yet (every skill answered 1 or 2)');
		const help = html.slice(html.indexOf('id="avec-aide"'), html.indexOf('</section>', html.indexOf('id="avec-aide"')));
		eq([...help.matchAll(/<li>/g)].length, 6, "six skills under \"Ce qui demande de l'aide\"");
		assert(count(`SELECT count(*) FROM audit_log WHERE action = 'person.print_diagnostic' AND object_id = ${person()}`) >= 1, 'the reading is audited');
	});

	test('diagnostic: repeated — the result says "Vous progressez", then "stable"; the file shows the history and the progress', async () => {
		/* All prerequisites, skills 3 and 4 with a sum of 22: "Autonome". */
		const up = await sendOk('diag.ts', answers({ equipment: ['smartphone', 'tablette'], shared: '1', internet: ['domicile', 'mobile'],
							     skills: [4, 4, 4, 4, 3, 3], done_on: '20/06/2025' }), 'second diagnostic');
		eq(sql(DB, `SELECT level || '|' || path || '|' || equipment || '|' || equipment_shared || '|' || internet FROM diagnostics WHERE id = ${up}`),
		   '4|apprendre|smartphone,tablette|1|domicile,mobile', 'stored level 4');
		let r = await user('diag.ts').client.get(`/diagnostics/${up}`);
		status(r, 200, 'second result');
		has(r.body, 'Vous progressez', 'progress');
		has(r.body, 'Le 15/01/2025, votre niveau était «&nbsp;Éloigné du numérique&nbsp;»', 'the previous level');
		has(r.body, '<strong>Autonome</strong> (4 sur 4)', 'the new level');
		has(r.body, "Vous n'avez pas besoin d'aide", 'next step of level 4');
		has(r.body, '<li>Se protéger des arnaques (encore difficile)</li>', 'a skill answered 3 is done alone, with difficulty');
		has(r.body, 'Rien&nbsp;: vous faites tout sans aide.', 'nothing needs help');

		/* The same level again, the same day: stable. One skill with help
		 * would not be "Autonome": level 3. */
		const same = await sendOk('diag.ts', answers({ skills: [4, 4, 4, 4, 4, 3], done_on: '20/06/2025' }), 'third diagnostic');
		r = await user('diag.ts').client.get(`/diagnostics/${same}`);
		has(r.body, 'Votre niveau est stable', 'stable');
		hasNot(r.body, 'Vous progressez', 'not "progress" when stable');
		const lower = await sendOk('diag.ts', answers({ skills: [4, 4, 4, 4, 4, 2], done_on: '' }), 'fourth diagnostic');
		eq(count(`SELECT level FROM diagnostics WHERE id = ${lower}`), 3, 'a skill with help caps at 3');
		r = await user('diag.ts').client.get(`/diagnostics/${lower}`);
		has(r.body, "Ce n'est pas grave", 'a lower level is said kindly');

		const page = await user('diag.ts').client.get(`/personnes/${person()}`);
		status(page, 200, 'file page');
		const at = page.body.indexOf('<section aria-labelledby="diagnostic">');
		const section = page.body.slice(at, page.body.indexOf('</section>', at));
		for (const id of [D[0], up, same, lower])
			has(section, `href="/diagnostics/${id}"`, `the history links to diagnostic ${id}`);
		assert(section.indexOf(`/diagnostics/${lower}`) < section.indexOf(`/diagnostics/${D[0]}`), 'newest first');
		has(section, '<strong>En progrès</strong>', 'progress since the first one');
		has(section, 'de «&nbsp;Éloigné du numérique&nbsp;» à «&nbsp;Presque autonome&nbsp;»', 'from the first level to the latest');
		has(section, '2 niveaux de plus', 'by how much');
		has(section, '>15/01/2025<', 'the dates');
		has(section, 'Faire à sa place, avec un mandat', 'the path of the first one');
		has(section, `<a href="/personnes/${person()}/diagnostic">Faire le diagnostic</a>`, 'the link to do it again');
	});

	test('diagnostic: the responsable of the structure reads the result', async () => {
		status(await user('diag.resp').client.get(`/diagnostics/${D[0]}`), 200, 'responsable GET the result');
		status(await user('diag.resp').client.get(`/personnes/${person()}/diagnostic`), 200, 'responsable GET the form');
	});

	test('diagnostic: another structure gets 404 on the result, the form and the POST; nothing stored', async () => {
		const before = diagnostics();
		const b = user('diag.tsb');
		const r = await b.client.get(`/diagnostics/${D[0]}`);
		status(r, 404, 'B GET a result of A');
		hasNot(r.body, 'Marcel', 'nothing of the file');
		status(await b.client.get(`/personnes/${person()}/diagnostic`), 404, 'B GET the form for a file of A');
		status(await send('diag.tsb', answers()), 404, 'B POST for a file of A');
		status(await b.client.get('/diagnostics/999999'), 404, 'an unknown diagnostic');
		eq(diagnostics(), before, 'nothing stored');
	});
};
