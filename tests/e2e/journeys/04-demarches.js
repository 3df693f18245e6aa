'use strict';
// Journey 4: démarches, mandates, acts under mandate, financial aid,
// documents and the digital diagnostic (issue 5).
//
// A social worker who acts in people's place (mediateur.demo: the second
// factor is compulsory, enrolled at the first login with the TOTP helper)
// opens a person's file and:
//  - takes the digital diagnostic with the person, with the keyboard alone
//    (an empty form first), and prints the result: one A4 page, plain
//    French, the level shown, the team's comment not printed;
//  - opens a démarche "with the person" with a checklist of documents,
//    ticks one, prints the person's summary: « Vos démarches en cours »
//    lists it with the documents still to bring;
//  - tries to open a démarche "in the person's place": refused, with the
//    reason and a link to create a mandate;
//  - creates the mandate (domains, six months), prints the attestation
//    (what is allowed, what is not, how to stop it), uploads the signed
//    scan (a small PDF) on the mandate page and downloads it back;
//  - opens the démarche in the person's place, records an act, prints
//    « Ce que nous avons fait en votre nom » and finds it there;
//  - revokes one domain and prints the revocation;
//  - records an aid request, grants it and prints the decision letter.
// Every new kind of page goes through axe (WCAG 2.1 A/AA) and the weight
// limit; every form is first sent empty (error summary with links to the
// fields, aria-invalid, messages as descriptions) and is checked at 640 px
// (1280 px at 200 %) for horizontal scrolling.
//
// A second test, JavaScript off: a worker without a second factor opens a
// démarche and ticks its checklist (plain forms), and is sent to the
// second-factor page by "Nouveau mandat".

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('../lib/harness');
const { asActor, VIEWPORT } = require('../lib/actor');
const { assertAxe } = require('../lib/a11y');
const { assertNoHorizontalScroll } = require('../lib/layout');
const { assertFocusVisible } = require('../lib/keyboard');
const { assertOneA4Page } = require('../lib/print');
const { pdfText, pdfHasText } = require('../lib/pdf');
const { artifactPath } = require('../lib/artifacts');
const s = require('../lib/steps');

const WORKER = 'mediateur.demo';
const WORKER_NAME = 'Karim Ould-Ahmed';
const NO_TOTP = 'travailleur.demo';
const PERSON = { first: 'Rosalie', last: 'Vandamme-Ouédraogo', birth: '23/02/1957', shown: 'VANDAMME-OUÉDRAOGO Rosalie',
	address: '12 rue des Écoles', postal: '59650', commune: 'Villeneuve-d\'Ascq' };
const WITH = {
	organism: 'CAF', domain: 'Logement', subject: 'Aide au logement (APL)', status: 'En cours',
	way: 'Avec la personne (elle est au clavier)', checklist: ['Bail', 'RIB', 'Dernière quittance de loyer'], brought: 'Bail',
};
const IN_PLACE = {
	organism: 'CPAM / Ameli', domain: 'Social et santé', subject: 'Renouvellement de la complémentaire santé solidaire',
	status: 'En cours', way: 'À la place de la personne (sous mandat)',
};
const ACT = 'Envoi en ligne du formulaire de renouvellement sur le compte Ameli de la personne, avec son accord.';
const MANDATE = { domains: ['social_sante', 'logement'], labels: ['Social et santé', 'Logement'] /* in the order Lien lists them */, revoked: 'Logement', reason: 'La personne suit elle-même son dossier de logement.' };
const AID = { kind: 'Énergie', purpose: 'Facture d\'électricité de janvier', asked: '320', granted: '250', payment: 'Virement' };
const DIAG_COMMENT = 'Souhaite un atelier le mardi matin.';

// Dates as typed in France, on the server's clock (Europe/Paris).
function dateFr(d) {
	return new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
}

function parseFr(t) {
	const [d, m, y] = t.split('/').map(Number);
	return Date.UTC(y, m - 1, d);
}

const squash = (t) => t.replace(/\s+/g, ' ').trim();

// A small valid PDF (one page, one line of text) built byte by byte: the
// "scan" of the signed attestation.
function minimalPdf(line) {
	const content = `BT /F1 18 Tf 72 770 Td (${line}) Tj ET`;
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
	];
	let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
	const offsets = [];
	objects.forEach((o, i) => {
		offsets.push(Buffer.byteLength(out, 'latin1'));
		out += `${i + 1} 0 obj\n${o}\nendobj\n`;
	});
	const xref = Buffer.byteLength(out, 'latin1');
	out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	for (const off of offsets)
		out += `${String(off).padStart(10, '0')} 00000 n \n`;
	out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(out, 'latin1');
}

// The form was refused (422) and says so accessibly: "Erreur – " in the
// title, a summary announced as an alert whose every link leads to a field
// (or a group of choices) that is marked invalid and described by the
// message. `want`: ids the summary must link to. Returns the linked ids.
async function assertFormErrors(page, res, want) {
	assert.equal(res.status(), 422, 'formulaire refusé (422)');
	assert.match(await page.title(), /^Erreur – /, 'titre de page en erreur');
	const summary = page.locator('.error-summary[role="alert"]');
	assert.equal(await summary.count(), 1, 'récapitulatif des erreurs annoncé (role="alert")');
	const links = await summary.locator('a').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent.trim() })));
	assert.ok(links.length >= 1, 'au moins un lien dans le récapitulatif');
	assert.match(await summary.locator('h2').innerText(), new RegExp(`${links.length} erreurs?$`), 'nombre d\'erreurs annoncé');
	const bad = [];
	for (const { href, text } of links) {
		if (!/^#./.test(href || '')) {
			bad.push(`« ${text} » : lien ${href} vers aucun champ`);
			continue;
		}
		const r = await page.evaluate((id) => {
			const el = document.getElementById(id);
			if (!el)
				return null;
			const desc = (e) => (e && e.getAttribute('aria-describedby') || '').split(/\s+/).map((d) => document.getElementById(d)?.textContent || '').join(' ');
			const tag = el.tagName.toLowerCase();
			const choice = tag === 'input' && /^(radio|checkbox)$/.test(el.type);
			const group = tag === 'fieldset' ? el : choice ? el.closest('fieldset') : null;
			return {
				tag, choice, group: !!group,
				invalid: el.getAttribute('aria-invalid'),
				described: group ? desc(group) : desc(el),
			};
		}, decodeURIComponent(href.slice(1)));
		if (!r)
			bad.push(`« ${text} » → ${href} : aucun élément n'a cet id`);
		else if (!/^(input|select|textarea|fieldset)$/.test(r.tag))
			bad.push(`« ${text} » → ${href} : <${r.tag}>, pas un champ`);
		else if (!r.group && r.invalid !== 'true')
			bad.push(`« ${text} » → ${href} : pas d'aria-invalid="true"`);
		else if (!r.described.includes(text))
			bad.push(`« ${text} » → ${href} : le message n'est pas la description ${r.group ? 'du groupe' : 'du champ'} (${r.described.trim() || 'aucune'})`);
	}
	const ids = links.map((l) => (l.href || '').slice(1));
	for (const id of want)
		if (!ids.includes(id))
			bad.push(`pas de lien vers #${id} dans le récapitulatif (${ids.join(', ')})`);
	if (bad.length) {
		const err = new Error(`${bad.length} défaut(s) dans l'annonce des erreurs`);
		err.details = bad.join('\n');
		throw err;
	}
	return ids;
}

// Text of a printed page (the browser's own print to PDF).
async function printed(ctx, page, name, label, wants, nevers = []) {
	let text = '';
	await ctx.check(`impression : ${label} sur une page A4, sans navigation`, async () => {
		const { pdf } = await assertOneA4Page(page, name);
		text = pdfText(pdf);
		for (const want of wants)
			assert.ok(pdfHasText(text, want), `« ${want} » dans le PDF imprimé :\n${text}`);
		for (const never of nevers)
			assert.ok(!pdfHasText(text, never), `« ${never} » ne doit pas être imprimé`);
	});
	return text;
}

test('parcours démarches, mandat et aide (souris, diagnostic au clavier)', async (ctx) => {
	const lien = await ctx.instance('demarches');
	const account = lien.accounts[WORKER];
	const journey = 'demarches';
	await asActor(ctx, { lien, mode: 'souris', journey }, async (u) => {
		const page = u.page;
		const today = dateFr(new Date());
		// The papers handed to the person have no skip link.
		for (const re of [/^\/diagnostics\/\d+$/, /^\/personnes\/\d+\/synthese$/, /^\/mandats\/\d+\/attestation$/,
			/^\/mandats\/\d+\/revocations\/\d+$/, /^\/personnes\/\d+\/actes-sous-mandat$/, /^\/aides\/\d+\/decision$/])
			u.noSkipLinkOn(re);
		const axe = (name) => ctx.check(`axe (WCAG 2.1 A/AA) : ${journey} › ${name}`, () => assertAxe(page, `${journey}-${name}`));
		const reflow = async (name) => {
			await page.setViewportSize({ width: 640, height: 450 });
			try {
				await ctx.check(`sans défilement horizontal à 640 px (200 %) : ${journey} › ${name}`, () => assertNoHorizontalScroll(page));
			} finally {
				await page.setViewportSize(VIEWPORT);
			}
		};
		const errors = (name, res, want) => ctx.check(`erreurs annoncées, formulaire envoyé vide : ${journey} › ${name}`,
			() => assertFormErrors(page, res, want));
		const backToFile = async () => {
			await u.follow(`Retour au dossier de ${PERSON.shown}`);
			await s.expectPath(page, `/personnes/${id}`);
		};

		// The first login: the second factor is compulsory for this account.
		await u.open('/connexion');
		await s.login(u, WORKER, account.password);
		await s.expectPath(page, '/compte/double-authentification', 'première connexion : ');
		await s.enrolTotp(u, account);
		await u.follow('Continuer vers l\'accueil');
		await s.expectH1(page, new RegExp(`^Bonjour ${WORKER_NAME}$`));

		// The person's file (created here, so that its sections start empty).
		await u.open('/personnes/nouvelle');
		await page.locator('#birth_name').fill(PERSON.last);
		await page.locator('#first_names').fill(PERSON.first);
		await page.locator('#birth_date').fill(PERSON.birth);
		await page.locator('#address').fill(PERSON.address);
		await page.locator('#postal_code').fill(PERSON.postal);
		await page.locator('#commune_name').fill(PERSON.commune);
		await u.press('Créer le dossier');
		const m = s.pathOf(page).match(/^\/personnes\/(\d+)$/);
		assert.ok(m, `dossier créé : ${page.url()} (${await s.flash(page)})`);
		const id = Number(m[1]);
		assert.equal(await s.text(page, 'h1'), PERSON.shown);
		for (const [sel, want] of [['#demarches', 'Aucune démarche.'], ['#mandats', 'Aucun mandat.'], ['#aides', 'Aucune demande d\'aide.']])
			assert.ok((await page.locator(`section:has(${sel})`).innerText()).includes(want), `${sel} : « ${want} »`);
		await u.reached('dossier');

		// 1. The digital diagnostic, with the keyboard alone: Tab, arrows in
		// the groups of choices, Space.
		u.mode = 'clavier';
		try {
			await u.follow('Faire le diagnostic');
			await s.expectPath(page, `/personnes/${id}/diagnostic`);
			await s.expectH1(page, /^Diagnostic numérique$/);
			assert.equal(await page.locator('#done_on').inputValue(), today, 'date du jour par défaut');
			await u.reached('diagnostic-formulaire');
			await axe('diagnostic-formulaire');
			await reflow('diagnostic (formulaire)');

			let res = await u.press('Enregistrer et voir le résultat');
			await s.expectPath(page, `/personnes/${id}/diagnostic`);
			await errors('diagnostic', res, ['equipment', 'internet', 'email_usable', 'identity_usable', 'skill_device', 'skill_accounts']);
			await u.reached('diagnostic-erreurs');
			await axe('diagnostic-erreurs');
			await reflow('diagnostic (erreurs)');

			// A radio group: Tab to it, then the arrows move the choice.
			const radio = async (name, index) => {
				const first = page.locator(`#${name}`);
				await u.focus(first);
				if (index === 0 && !(await first.isChecked()))
					await page.keyboard.press('Space');
				for (let i = 0; i < index; i++) {
					await page.keyboard.press('ArrowDown');
					await assertFocusVisible(page, `flèche dans « ${name} » : `);
				}
				const chosen = await page.locator(`input[name="${name}"]:checked`).evaluate((e) => e.id);
				const want = index === 0 ? name : await page.locator(`input[name="${name}"]`).nth(index).evaluate((e) => e.id);
				assert.equal(chosen, want, `choix au clavier dans « ${name} »`);
			};
			await u.check(page.locator('#equipment')); // Un smartphone
			await radio('equipment_shared', 0); // Non, ils sont à moi
			await u.check(page.locator('#internet-mobile'));
			await radio('email_usable', 0); // Oui
			await radio('identity_usable', 1); // Non, ou je ne sais pas
			// Skills, 1 to 4: 3 + 3 + 2 + 1 + 2 + 2 = 13, level 2 ("Débutant").
			for (const [name, value] of [['skill_device', 3], ['skill_find', 3], ['skill_communicate', 2],
				['skill_procedure', 1], ['skill_scams', 2], ['skill_accounts', 2]])
				await radio(name, value - 1);
			await u.fill('Commentaire pour l\'équipe (facultatif, n\'est pas imprimé)', DIAG_COMMENT);
			await u.press('Enregistrer et voir le résultat');
			assert.match(s.pathOf(page), /^\/diagnostics\/\d+$/, `résultat du diagnostic : ${page.url()}`);
			await u.reached('diagnostic-resultat');
		} finally {
			u.mode = 'souris';
		}
		await axe('diagnostic-resultat');
		await s.expectH1(page, /^Votre diagnostic numérique$/);
		assert.equal(squash(await page.locator('.diag-result').innerText()), 'Votre niveau : Débutant (2 sur 4)');
		assert.equal(squash(await page.locator('.diag-scale [aria-current="step"]').innerText()), '2. Débutant (votre niveau)');
		const diagText = await printed(ctx, page, `${journey}-diagnostic`, 'résultat du diagnostic numérique',
			['Votre diagnostic numérique', `Pour ${PERSON.shown}`, 'Votre niveau : Débutant (2 sur 4)', 'Ce que vous faites sans aide',
				'Ce qui demande de l\'aide', 'La prochaine étape', 'Qui contacter'],
			[DIAG_COMMENT, 'Commentaire pour l\'équipe', 'Retour au dossier']);
		await ctx.check('diagnostic imprimé en français simple : pas de code interne, phrases courtes', async () => {
			const flat = squash(diagText);
			assert.doesNotMatch(flat, /\{\{|\}\}|\b(skill_\w+|path_\w+|level_\d|undefined|null|NaN|true|false)\b/, 'codes internes imprimés');
			// Sentence by sentence, as printed (what is not printed left aside).
			const sentences = await page.evaluate(() => {
				const out = [];
				for (const el of document.querySelectorAll('main p, main li, main h1, main h2'))
					if (!el.closest('.no-print'))
						for (const line of el.innerText.split('\n'))
							out.push(...line.split(/(?<=[.!?])\s+/).map((x) => x.trim()).filter(Boolean));
				return out;
			});
			const words = (x) => x.split(/\s+/).length;
			const long = sentences.filter((x) => words(x) > 25);
			assert.deepEqual(long, [], 'phrases de plus de 25 mots');
			const mean = sentences.reduce((a, x) => a + words(x), 0) / sentences.length;
			assert.ok(mean <= 15, `phrases de ${mean.toFixed(1)} mots en moyenne (15 au plus)`);
		});
		await u.follow('Retour au dossier');
		await s.expectPath(page, `/personnes/${id}`);
		const diagRow = squash(await page.locator('section:has(#diagnostic) tbody tr').first().innerText());
		assert.ok(diagRow.startsWith(`${today} 2 sur 4, Débutant Faire avec la personne`), `diagnostic au dossier : ${diagRow}`);

		// 2. A démarche with the person, with its checklist.
		await u.follow('Nouvelle démarche');
		await s.expectPath(page, `/personnes/${id}/demarches/nouvelle`);
		await s.expectH1(page, new RegExp(`^Nouvelle démarche pour ${PERSON.shown}$`));
		await u.reached('demarche-nouvelle');
		await reflow('nouvelle démarche');
		let res = await u.press('Enregistrer la démarche');
		await errors('nouvelle démarche', res, ['organism', 'domain', 'subject']);
		await u.reached('demarche-erreurs');
		await reflow('nouvelle démarche (erreurs)');
		await u.select('Organisme (obligatoire)', WITH.organism);
		await u.select('Domaine (obligatoire)', WITH.domain);
		await u.fill('Objet de la démarche (obligatoire)', WITH.subject);
		await u.select('État (obligatoire)', WITH.status);
		await u.check(WITH.way);
		await u.fill('Documents à fournir (un par ligne)', WITH.checklist.join('\n'));
		await u.press('Enregistrer la démarche');
		const pm = s.pathOf(page).match(/^\/demarches\/(\d+)$/);
		assert.ok(pm, `démarche créée : ${page.url()}`);
		assert.equal(await s.flash(page), 'Démarche enregistrée.');
		await s.expectH1(page, new RegExp(`^${WITH.subject.replace(/[()]/g, '\\$&')}$`));
		const pieces = page.locator('section:has(#pieces) input[type="checkbox"]');
		assert.equal(await pieces.count(), WITH.checklist.length, 'un document à fournir par ligne');
		assert.equal(await page.locator('#actes').count(), 0, 'pas de registre d\'actes pour une démarche faite avec la personne');
		await u.reached('demarche');
		await reflow('démarche');
		await u.check(WITH.brought);
		await u.press('Enregistrer la liste');
		await s.expectPath(page, `/demarches/${pm[1]}`);
		assert.equal(await s.flash(page), 'Liste des documents enregistrée.');
		for (const label of WITH.checklist)
			assert.equal(await page.getByLabel(label, { exact: true }).isChecked(), label === WITH.brought, `« ${label} » coché : ${label === WITH.brought}`);

		// The person's summary: the démarche and what is still to bring.
		await backToFile();
		assert.ok((await page.locator('section:has(#demarches) li').allInnerTexts()).some((t) => t.includes(WITH.subject)), 'démarche listée au dossier');
		await u.follow('Synthèse à remettre à la personne');
		await s.expectPath(page, `/personnes/${id}/synthese`);
		const still = WITH.checklist.filter((d) => d !== WITH.brought);
		const progress = `– ${WITH.subject} (${WITH.organism}) : ${WITH.status}. À apporter : ${still.join(', ')}.`;
		const heading = page.locator('h2', { hasText: 'Vos démarches en cours' });
		assert.equal(await heading.count(), 1, '« Vos démarches en cours » sur la synthèse');
		assert.equal(squash(await heading.locator('xpath=following-sibling::p[1]').innerText()), progress);
		await u.reached('synthese');
		await printed(ctx, page, `${journey}-synthese`, 'synthèse avec « Vos démarches en cours »',
			['Vos démarches en cours', progress], [`À apporter : ${WITH.brought}`]);
		await u.follow('Retour au dossier');

		// 3. In the person's place without a mandate: refused, with the way
		// to a mandate.
		await u.follow('Nouvelle démarche');
		await u.select('Organisme (obligatoire)', IN_PLACE.organism);
		await u.select('Domaine (obligatoire)', IN_PLACE.domain);
		await u.fill('Objet de la démarche (obligatoire)', IN_PLACE.subject);
		await u.select('État (obligatoire)', IN_PLACE.status);
		await u.check(IN_PLACE.way);
		res = await u.press('Enregistrer la démarche');
		await errors('démarche à la place sans mandat', res, ['way']);
		const refusal = squash(await page.locator('.error-summary a[href="#way"]').innerText());
		assert.match(refusal, new RegExp(`^Aucun mandat actif ne couvre le domaine « ${IN_PLACE.domain} »`), `message du refus : ${refusal}`);
		assert.equal(await page.getByLabel(IN_PLACE.way, { exact: true }).isChecked(), true, 'le choix est conservé');
		const toMandate = page.getByRole('link', { name: /^Créer un mandat/ });
		assert.equal(await toMandate.count(), 1, 'lien « Créer un mandat » avec le refus');
		assert.equal(await toMandate.getAttribute('href'), `/personnes/${id}/mandats/nouveau`);
		await u.reached('demarche-refusee');

		// 4. The mandate.
		await u.follow(toMandate);
		await s.expectPath(page, `/personnes/${id}/mandats/nouveau`);
		await s.expectH1(page, new RegExp(`^Nouveau mandat pour ${PERSON.shown}$`));
		assert.equal(await page.locator('#consent_on').inputValue(), today, 'signature : aujourd\'hui par défaut');
		await u.reached('mandat-nouveau');
		await reflow('nouveau mandat');
		res = await u.press('Enregistrer le mandat');
		await errors('nouveau mandat', res, ['domains']);
		await u.reached('mandat-erreurs');
		await reflow('nouveau mandat (erreurs)');
		for (const d of MANDATE.domains)
			await u.check(page.locator(`#domains-${d}`));
		await u.check('6 mois');
		await u.press('Enregistrer le mandat');
		const mm = s.pathOf(page).match(/^\/mandats\/(\d+)$/);
		assert.ok(mm, `mandat créé : ${page.url()}`);
		const mandateId = Number(mm[1]);
		assert.match(await s.flash(page), /^Mandat enregistré\. Imprimez l'attestation/);
		const h1 = await s.expectH1(page, new RegExp(`^Mandat du ${today} au \\d\\d/\\d\\d/\\d{4}$`));
		const ends = h1.slice(-10);
		const days = (parseFr(ends) - parseFr(today)) / 86400e3;
		assert.ok(days >= 179 && days <= 184, `six mois : du ${today} au ${ends} (${days} jours)`);
		const facts = squash(await page.locator('dl.facts').innerText());
		for (const want of ['En vigueur', MANDATE.labels.join(' ; '), '6 mois', WORKER_NAME])
			assert.ok(facts.includes(want), `« ${want} » dans ${facts}`);
		await u.reached('mandat');
		await reflow('mandat');

		await u.follow('Attestation à faire signer (à imprimer)');
		await s.expectPath(page, `/mandats/${mandateId}/attestation`);
		await u.reached('mandat-attestation');
		const attText = await printed(ctx, page, `${journey}-mandat-attestation`, 'attestation de mandat', [
			`Moi, ${PERSON.shown}, je donne mandat`, `du ${today} au ${ends} (6 mois)`,
			'Ce que la structure peut faire à ma place', ...MANDATE.labels,
			'Ce qu\'elle ne peut pas faire', 'Agir dans les autres domaines', 'Papiers et citoyenneté', `Agir après le ${ends}`,
			'Me demander mes mots de passe ou mes codes secrets',
			'Je peux arrêter ce mandat quand je veux', 'Je peux l\'arrêter en entier ou pour un seul domaine',
			'Signature de la personne'], ['Retour au mandat']);
		await ctx.check('attestation de mandat : les domaines accordés ne sont pas dans « ce qu\'elle ne peut pas faire »', async () => {
			const flat = squash(attText);
			const not = flat.slice(flat.indexOf('Ce qu\'elle ne peut pas faire'), flat.indexOf('Ce que la structure s\'engage'));
			assert.ok(not.length > 20, `section « ne peut pas faire » lue : ${not}`);
			for (const l of MANDATE.labels)
				assert.ok(!not.includes(l), `« ${l} » parmi ce qui est interdit : ${not}`);
		});
		await u.follow('Retour au mandat');
		await s.expectPath(page, `/mandats/${mandateId}`);

		// The signed scan, sent empty first.
		res = await u.press('Envoyer le document');
		await errors('document joint au mandat', res, ['fichier']);
		await s.expectH1(page, /^Ajouter un document$/);
		await u.reached('document-erreur');
		await reflow('ajout de document (erreur)');
		await u.follow('Retour au mandat');
		await s.expectPath(page, `/mandats/${mandateId}`);
		const scan = minimalPdf('Attestation de mandat signee - Rosalie V.');
		await page.getByLabel('Joindre un document', { exact: true }).setInputFiles({ name: 'mandat-signe.pdf', mimeType: 'application/pdf', buffer: scan });
		await u.press('Envoyer le document');
		await s.expectPath(page, `/mandats/${mandateId}`);
		assert.equal(new URL(page.url()).hash, '#pieces-jointes');
		assert.equal(await s.flash(page), 'Document ajouté.');
		const docLink = page.locator('ul.documents li a', { hasText: 'mandat-signe.pdf' });
		assert.equal(await docLink.count(), 1, 'scan listé sur la page du mandat');
		assert.match(squash(await page.locator('ul.documents li').first().innerText()), new RegExp(`\\(PDF, .+\\) – ajouté le ${today} à \\d\\dh\\d\\d par ${WORKER_NAME}`));
		await u.reached('mandat-scan');
		await ctx.check('scan du mandat : téléchargé à l\'identique (octets, type, nom)', async () => {
			const [download] = await Promise.all([page.waitForEvent('download'), docLink.click()]);
			assert.equal(download.suggestedFilename(), 'mandat-signe.pdf');
			const got = fs.readFileSync(await download.path());
			fs.writeFileSync(artifactPath(`${journey}-scan-telecharge.pdf`), got);
			assert.equal(got.length, scan.length, 'même taille');
			assert.ok(got.equals(scan), 'mêmes octets');
			const r = await page.request.get(await docLink.getAttribute('href'));
			assert.equal(r.headers()['content-type'], 'application/pdf');
			assert.match(r.headers()['content-disposition'] || '', /^attachment; filename="mandat-signe\.pdf"/);
		});

		// 5. The démarche in the person's place, now covered; an act.
		await backToFile();
		await u.follow('Nouvelle démarche');
		await u.select('Organisme (obligatoire)', IN_PLACE.organism);
		await u.select('Domaine (obligatoire)', IN_PLACE.domain);
		await u.fill('Objet de la démarche (obligatoire)', IN_PLACE.subject);
		await u.select('État (obligatoire)', IN_PLACE.status);
		await u.check(IN_PLACE.way);
		await u.press('Enregistrer la démarche');
		const pm2 = s.pathOf(page).match(/^\/demarches\/(\d+)$/);
		assert.ok(pm2, `démarche à la place créée : ${page.url()}`);
		const acts = () => page.locator('section:has(#actes) ul.entries li').allInnerTexts();
		let listed = (await acts()).map(squash);
		assert.equal(listed.length, 1, `l'ouverture est inscrite au registre : ${listed.join(' / ')}`);
		assert.ok(listed[0].includes(`Ouverture de la démarche « ${IN_PLACE.subject} » (${IN_PLACE.status})`), listed[0]);
		await u.reached('demarche-a-la-place');
		await reflow('démarche à la place (registre)');
		res = await u.press('Inscrire au registre');
		await errors('acte sous mandat', res, ['what']);
		await u.reached('acte-erreur');
		await u.fill('Ce que vous avez fait au nom de la personne', ACT);
		await u.press('Inscrire au registre');
		await s.expectPath(page, `/demarches/${pm2[1]}`);
		assert.equal(await s.flash(page), 'Action enregistrée dans le registre des actes sous mandat.');
		listed = (await acts()).map(squash);
		assert.ok(listed.some((t) => t.includes(ACT) && t.includes(WORKER_NAME)), `acte inscrit : ${listed.join(' / ')}`);

		await backToFile();
		await u.follow('Ce qui a été fait au nom de la personne (à imprimer)');
		await s.expectPath(page, `/personnes/${id}/actes-sous-mandat`);
		await s.expectH1(page, /^Ce que nous avons fait en votre nom$/);
		const rows = (await page.locator('table.list tbody tr').allInnerTexts()).map(squash);
		assert.ok(rows.some((r) => r.includes(ACT) && r.includes(IN_PLACE.subject) && r.includes(WORKER_NAME) && r.startsWith(today)), `acte listé : ${rows.join(' / ')}`);
		await u.reached('actes-sous-mandat');
		await printed(ctx, page, `${journey}-actes`, '« Ce que nous avons fait en votre nom »',
			['Ce que nous avons fait en votre nom', PERSON.shown, ACT, IN_PLACE.subject, WORKER_NAME], ['Retour au dossier']);
		await u.follow('Retour au dossier');

		// 6. One domain revoked.
		await u.follow(`Mandat du ${today} au ${ends}`);
		await s.expectPath(page, `/mandats/${mandateId}`);
		await u.check(`Seulement : ${MANDATE.revoked}`);
		await u.fill('Motif (facultatif)', MANDATE.reason);
		await u.press('Révoquer');
		const rm = s.pathOf(page).match(new RegExp(`^/mandats/${mandateId}/revocations/(\\d+)$`));
		assert.ok(rm, `attestation de révocation : ${page.url()}`);
		await s.expectH1(page, /^Attestation : fin du mandat$/);
		await u.reached('mandat-revocation');
		const kept = MANDATE.labels.filter((l) => l !== MANDATE.revoked);
		await printed(ctx, page, `${journey}-revocation`, 'attestation de révocation d\'un domaine', [
			`Le ${today}, ${PERSON.shown} a retiré`, `le droit d'agir à sa place pour : ${MANDATE.revoked}`,
			`Pour les autres domaines, le mandat continue jusqu'au ${ends} : ${kept.join(' ; ')}`, `Motif : ${MANDATE.reason}`,
			WORKER_NAME], ['Retour au mandat']);
		await u.follow('Retour au mandat');
		const after = squash(await page.locator('dl.facts').innerText());
		assert.ok(after.includes('En vigueur') && after.includes(kept.join(' ; ')) && !after.includes(MANDATE.revoked), `mandat après révocation : ${after}`);
		await backToFile();

		// 7. Financial aid: requested, granted, the decision letter.
		await u.follow('Nouvelle demande d\'aide');
		await s.expectPath(page, `/personnes/${id}/aides/nouvelle`);
		await s.expectH1(page, new RegExp(`^Nouvelle demande d'aide pour ${PERSON.shown}$`));
		await u.reached('aide-nouvelle');
		await reflow('nouvelle demande d\'aide');
		res = await u.press('Enregistrer la demande');
		await errors('nouvelle demande d\'aide', res, ['kind', 'amount_asked']);
		await u.reached('aide-erreurs');
		await reflow('nouvelle demande d\'aide (erreurs)');
		await u.select('Nature de l\'aide (obligatoire)', AID.kind);
		await u.fill('Objet de la demande', AID.purpose);
		await u.fill('Montant demandé (en euros) (obligatoire)', AID.asked);
		await u.press('Enregistrer la demande');
		const am = s.pathOf(page).match(/^\/aides\/(\d+)$/);
		assert.ok(am, `demande d'aide créée : ${page.url()}`);
		assert.equal(await s.flash(page), 'Demande d\'aide enregistrée.');
		await s.expectH1(page, new RegExp(`^Demande d'aide : ${AID.kind}$`));
		assert.match(squash(await page.locator('dl.facts').innerText()), /Montant demandé 320,00 € État En instruction/);
		assert.equal(await page.getByRole('link', { name: 'Courrier de décision (à imprimer)' }).count(), 0, 'pas de courrier avant la décision');
		await u.reached('aide');
		await reflow('demande d\'aide');
		await u.select('État de la demande (obligatoire)', 'Accordée');
		await u.fill('Date de la décision (JJ/MM/AAAA)', today);
		await u.fill('Montant accordé (en euros)', AID.granted);
		await u.select('Mode de versement', AID.payment);
		await u.press('Enregistrer');
		await s.expectPath(page, `/aides/${am[1]}`);
		assert.equal(await s.flash(page), 'Demande d\'aide enregistrée.');
		const granted = squash(await page.locator('dl.facts').innerText());
		for (const want of ['État Accordée', `Décision ${today}`, 'Montant accordé 250,00 €', `Versement ${AID.payment}`])
			assert.ok(granted.includes(want), `« ${want} » dans ${granted}`);
		await u.follow('Courrier de décision (à imprimer)');
		await s.expectPath(page, `/aides/${am[1]}/decision`);
		await s.expectH1(page, new RegExp(`^Votre demande d'aide : ${AID.kind}$`));
		const letter = squash(await page.locator('main').innerText());
		assert.match(letter, /une aide de 250,00\s€ vous a été accordée/);
		assert.ok(letter.includes(`Comment vous la recevez : ${AID.payment}.`), 'mode de versement');
		await u.reached('aide-courrier');
		await printed(ctx, page, `${journey}-aide-courrier`, 'courrier de décision d\'aide', [
			`Votre demande d'aide : ${AID.kind}`, PERSON.shown, PERSON.address, `${PERSON.postal} ${PERSON.commune}`,
			'vous avez demandé une aide de 320,00 €', `pour : ${AID.purpose}`, 'Votre demande est acceptée',
			`Le ${today}, une aide de 250,00 € vous a été accordée`, `Comment vous la recevez : ${AID.payment}`],
		['Retour à la demande']);
		await u.follow('Retour à la demande');

		// The file shows it all.
		await backToFile();
		const file = squash(await page.locator('main').innerText());
		for (const want of [WITH.subject, IN_PLACE.subject, 'sous mandat', `Mandat du ${today} au ${ends} – En vigueur`,
			`${AID.kind} – 320,00 € demandés le ${today} – Accordée : 250,00 € accordés`, 'mandat-signe.pdf'])
			assert.ok(file.includes(want), `« ${want} » au dossier`);
		await u.reached('dossier-complet');
		await s.logout(u);
	});
}, { timeout: 240000 });

test('démarches sans JavaScript, sans double authentification : « Nouveau mandat » mène à la double authentification', async (ctx) => {
	const lien = await ctx.instance('demarches');
	const journey = 'demarches-sans-js';
	await asActor(ctx, { lien, mode: 'sans-js', journey }, async (u) => {
		const page = u.page;
		await u.open('/connexion');
		await s.login(u, NO_TOTP, lien.accounts[NO_TOTP].password);
		await s.expectPath(page, '/', 'sans double authentification obligatoire : ');

		await u.open('/personnes/nouvelle');
		await u.fill('Nom de naissance (obligatoire)', 'Kerbrat');
		await u.fill('Prénoms (obligatoire)', 'Yvonne');
		await u.fill('Date de naissance', '04/07/1949');
		await u.press('Créer le dossier');
		const m = s.pathOf(page).match(/^\/personnes\/(\d+)$/);
		assert.ok(m, `dossier créé : ${page.url()}`);
		const id = Number(m[1]);

		// Plain forms: a démarche, its checklist ticked.
		await u.follow('Nouvelle démarche');
		await u.select('Organisme (obligatoire)', 'ANTS');
		await u.select('Domaine (obligatoire)', 'Papiers et citoyenneté');
		await u.fill('Objet de la démarche (obligatoire)', 'Renouvellement de la carte d\'identité');
		await u.select('État (obligatoire)', 'À faire');
		await u.fill('Documents à fournir (un par ligne)', 'Photo d\'identité\nJustificatif de domicile');
		await u.press('Enregistrer la démarche');
		assert.match(s.pathOf(page), /^\/demarches\/\d+$/, `démarche créée sans JavaScript : ${page.url()}`);
		await u.check('Photo d\'identité');
		await u.press('Enregistrer la liste');
		assert.equal(await s.flash(page), 'Liste des documents enregistrée.');
		assert.equal(await page.getByLabel('Photo d\'identité', { exact: true }).isChecked(), true);
		assert.equal(await page.getByLabel('Justificatif de domicile', { exact: true }).isChecked(), false);

		// In the person's place, without a second factor: refused.
		await u.follow('Retour au dossier de KERBRAT Yvonne');
		await u.follow('Nouvelle démarche');
		await u.select('Organisme (obligatoire)', 'ANTS');
		await u.select('Domaine (obligatoire)', 'Papiers et citoyenneté');
		await u.fill('Objet de la démarche (obligatoire)', 'Permis de conduire');
		await u.select('État (obligatoire)', 'À faire');
		await u.check('À la place de la personne (sous mandat)');
		const res = await u.press('Enregistrer la démarche');
		assert.equal(res.status(), 422);
		assert.match(squash(await page.locator('.error-summary a[href="#way"]').innerText()), /double authentification/);

		// "Nouveau mandat": the second-factor page, saying why.
		await u.open(`/personnes/${id}`);
		await u.follow('Nouveau mandat');
		await s.expectPath(page, '/compte/double-authentification', '« Nouveau mandat » sans double authentification : ');
		await s.expectH1(page, /^Double authentification$/);
		assert.equal(await s.flash(page), 'Pour créer un mandat ou agir à la place d\'une personne, activez d\'abord la double authentification.');
		assert.equal(await page.locator('code.secret').count(), 1, 'la mise en place est proposée');
		await u.reached('double-authentification');
		// The form itself is out of reach too.
		await u.open(`/personnes/${id}/mandats/nouveau`);
		await s.expectPath(page, '/compte/double-authentification');
	});
});
