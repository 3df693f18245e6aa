'use strict';
// Journey 3: the person's file (issue 4). A social worker finds a person
// from the home page search box; creates a file (a forgotten field first),
// then tries to create it again under another spelling and gets the
// duplicate warning; adds a household member; edits the file; logs an
// interview with a theme, a text for the person, documents to bring, a
// private note and a follow-up task; prints the person's summary (the
// browser's print and the server's PDF: one A4 page, no navigation, the text
// for the person and nothing private). A colleague opens the file: the
// summary, not the private note. Reception opens it: no "Situation", no
// follow-up content, and notes a passage at the desk.
// Run with the mouse, the keyboard alone and without JavaScript.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('../lib/harness');
const { asActor, MODES } = require('../lib/actor');
const { assertOneA4Page } = require('../lib/print');
const { pdfPageCount, pdfText, pdfHasText } = require('../lib/pdf');
const { artifactPath } = require('../lib/artifacts');
const s = require('../lib/steps');

const WORKER = 'travailleur.demo';
const WORKER_NAME = 'Élodie Marchand-Lefèvre';
const PERSON = { first: 'Noémie', last: 'Garçon-Dupré', birth: '12/04/1988', shown: 'GARÇON-DUPRÉ Noémie' };
const AGAIN = { first: 'NOEMIE', last: 'garcon dupre', shown: 'GARCON DUPRE NOEMIE' };
const MEMBER = { first: 'Lina', last: 'Garçon-Dupré', birth: '03/09/2015', relation: 'Enfant' };
const ENTRY = {
	medium: 'Rendez-vous sur place',
	kind: 'Entretien',
	duration: '45',
	theme: 'Logement et hébergement',
	summary: 'Point sur la demande de logement social : dossier à compléter, bailleur à relancer.',
	forPerson: 'Nous avons commencé votre demande de logement social. Nous nous revoyons dans quinze jours.',
	documents: 'Avis d\'imposition 2025 et justificatif de domicile',
	privateNote: 'Note privée de test',
	task: 'Relancer le bailleur social',
};
const PASSAGE = 'Dépôt de l\'avis d\'imposition pour la demande de logement';

const L = {
	homeSearch: 'Retrouver une personne (nom, date de naissance, téléphone, numéro de dossier)',
	search: 'Nom, prénom, date de naissance, téléphone ou numéro de dossier',
	birthName: 'Nom de naissance (obligatoire)',
	firstNames: 'Prénoms (obligatoire)',
	birthDate: 'Date de naissance',
	infoDate: 'Date d\'information de la personne (obligatoire)',
	infoMethod: 'Manière dont elle a été informée (obligatoire)',
	oralNotice: 'Oralement, avec la notice d\'information imprimée remise en main propre',
	notSame: 'J\'ai vérifié : il s\'agit d\'une autre personne',
	summary: 'Compte rendu (visible par les collègues qui suivent le dossier)',
	forPerson: 'Pour la personne : ce que nous avons fait, la suite (imprimé sur la synthèse)',
	privateNote: 'Note privée (vous seul pourrez la lire ; chiffrée)',
	reason: 'Motif du passage',
};

// Dates as typed in France, on the server's clock (Europe/Paris).
function dateFr(d) {
	return new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
}

function fold(t) {
	return t.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

// A field in error: aria-invalid, its message as description, and a link
// to it from the summary at the top. Returns the message.
async function fieldError(page, id) {
	const input = page.locator(`#${id}`);
	assert.equal(await input.getAttribute('aria-invalid'), 'true', `aria-invalid sur #${id}`);
	const ids = ((await input.getAttribute('aria-describedby')) || '').split(/\s+/);
	assert.ok(ids.includes(`${id}-erreur`), `aria-describedby de #${id} : ${ids.join(' ')}`);
	const summary = page.locator('.error-summary[role="alert"]');
	assert.equal(await summary.locator(`a[href="#${id}"]`).count(), 1, `lien du récapitulatif vers #${id}`);
	return (await page.locator(`#${id}-erreur`).innerText()).trim();
}

async function facts(page) {
	const dts = await page.locator('.file-facts dl.facts dt').allInnerTexts();
	const dds = await page.locator('.file-facts dl.facts dd').allInnerTexts();
	return Object.fromEntries(dts.map((k, i) => [k.trim(), (dds[i] || '').trim()]));
}

// The search page's results: [{ name, birth, number, row }].
async function hits(page) {
	const rows = page.locator('table.list tbody tr');
	const out = [];
	for (let i = 0; i < await rows.count(); i++) {
		const cells = (await rows.nth(i).locator('td').allInnerTexts()).map((c) => c.trim());
		out.push({ name: cells[0], birth: cells[1], number: cells[4], row: rows.nth(i) });
	}
	return out;
}

// Searches from the box of the current page and opens the file numbered
// `number` among the results.
async function searchAndOpen(u, label, query, number) {
	const page = u.page;
	await u.fill(label, query);
	await u.press('Rechercher');
	await s.expectPath(page, '/personnes');
	assert.equal(new URL(page.url()).searchParams.get('q'), query, 'la recherche est dans l\'adresse');
	assert.match(await page.title(), /^Résultats de recherche – Lien$/);
	assert.equal(await page.getByLabel(L.search, { exact: true }).inputValue(), query, 'la recherche reste dans le champ');
	const list = await hits(page);
	assert.match(await s.text(page, '#resultats'), new RegExp(`^${list.length} résultats?$`), 'nombre de résultats annoncé');
	const hit = list.find((h) => h.number === number);
	assert.ok(hit, `dossier ${number} parmi les résultats de « ${query} » (${list.map((h) => h.number).join(', ')})`);
	await u.follow(hit.name.replace(/\s*archivé$/, ''), { scope: hit.row });
	assert.match(s.pathOf(page), /^\/personnes\/\d+$/);
	return { list, hit };
}

// The entries (selector or locator) show no theme tag.
async function noThemes(page, entries) {
	const loc = typeof entries === 'string' ? page.locator(entries) : entries;
	const shown = [];
	for (let i = 0; i < await loc.count(); i++) {
		const tags = await loc.nth(i).locator('.tag').allInnerTexts();
		if (tags.length)
			shown.push(`« ${(await loc.nth(i).locator('h3').innerText()).trim()} » : ${tags.length} thème(s) (${tags.slice(0, 4).join(', ')}${tags.length > 4 ? '…' : ''})`);
	}
	if (shown.length) {
		const err = new Error(`${shown.length} entrée(s) du journal affichent des thèmes qu'elles n'ont pas`);
		err.details = shown.join('\n');
		throw err;
	}
}

for (const mode of MODES) {
	test(`parcours dossier (${mode})`, async (ctx) => {
		const lien = await ctx.instance(`dossier-${mode}`);
		const journey = `dossier-${mode}`;
		await asActor(ctx, { lien, mode, journey }, async (u) => {
			const page = u.page;
			// The summary for the person is a paper document: no skip link.
			u.noSkipLinkOn(/^\/personnes\/\d+\/synthese$/);
			const nav = page.getByRole('navigation', { name: 'Navigation principale' });
			const today = dateFr(new Date());
			const due = dateFr(new Date(Date.now() + 14 * 86400e3));

			await u.open('/connexion');
			await s.login(u, WORKER, lien.accounts[WORKER].password);
			await s.expectH1(page, /^Bonjour Élodie Marchand-Lefèvre$/);

			// 1. The home page search box: "lef" finds LEFEBVRE (prefix,
			// any case); every hit has a name word starting with it.
			await u.fill(L.homeSearch, 'lef');
			await u.press('Rechercher');
			await s.expectPath(page, '/personnes');
			const found = await hits(page);
			assert.ok(found.length >= 1, 'au moins un résultat pour « lef »');
			for (const h of found)
				assert.match(fold(h.name), /(^|[\s'-])lef/, `« ${h.name} » répond à « lef »`);
			assert.match(await s.text(page, '#resultats'), new RegExp(`^${found.length} résultats?$`));
			assert.equal(await page.getByLabel(L.search, { exact: true }).inputValue(), 'lef');
			await u.reached('recherche');
			const first = found[0];
			await u.follow(first.name, { scope: first.row });
			assert.match(s.pathOf(page), /^\/personnes\/\d+$/);
			assert.equal(await s.text(page, 'h1'), first.name, 'le dossier ouvert est celui choisi');
			assert.match(await s.text(page, 'main .lead'), new RegExp(`^Dossier ${first.number}\\b`));
			assert.equal((await facts(page))['Date de naissance'], first.birth);
			await u.reached('dossier-trouve');

			// 2. A new file. A required field forgotten first: the error is
			// tied to it and what was typed is kept.
			await u.follow('Personnes', { scope: nav });
			await s.expectPath(page, '/personnes');
			await s.expectH1(page, /^Rechercher une personne$/);
			await u.follow('Créer un dossier');
			await s.expectPath(page, '/personnes/nouvelle');
			await s.expectH1(page, /^Nouvelle personne$/);
			assert.equal(await page.locator('#info_date').inputValue(), today, 'date d\'information : aujourd\'hui par défaut');
			assert.equal(await page.locator('#info_method').inputValue(), 'oral_notice', 'information orale avec notice par défaut');
			assert.equal(await page.getByRole('link', { name: 'imprimer la notice d\'information' }).getAttribute('href'), '/notice-information');
			await u.reached('nouvelle-personne');

			await u.fill(L.firstNames, PERSON.first);
			await u.fill(L.birthDate, PERSON.birth);
			let r = await u.press('Créer le dossier');
			assert.equal(r.status(), 422, 'formulaire incomplet refusé (422)');
			await s.expectPath(page, '/personnes');
			assert.match(await page.title(), /^Erreur – Nouvelle personne – Lien$/);
			assert.match(await fieldError(page, 'birth_name'), /Nom de naissance/);
			assert.equal(await page.locator('[aria-invalid="true"]').count(), 1, 'une seule erreur');
			assert.equal(await page.getByLabel(L.firstNames, { exact: true }).inputValue(), PERSON.first, 'prénoms conservés');
			assert.equal(await page.getByLabel(L.birthDate, { exact: true }).inputValue(), PERSON.birth, 'date de naissance conservée');
			await u.reached('nouvelle-personne-erreur');

			await u.fill(L.birthName, PERSON.last);
			await u.fill(L.infoDate, today);
			await u.select(L.infoMethod, L.oralNotice);
			r = await u.press('Créer le dossier');
			const created = s.pathOf(page).match(/^\/personnes\/(\d+)$/);
			assert.ok(created, `dossier créé : ${page.url()}`);
			const id = Number(created[1]);
			const flashCreated = (await s.flash(page)).match(/^Dossier (\d{4}-\d{6}) créé\.$/);
			assert.ok(flashCreated, `message de création : « ${await s.flash(page)} »`);
			const number = flashCreated[1];
			assert.equal(await s.text(page, 'h1'), PERSON.shown);
			assert.match(await page.title(), new RegExp(`^${PERSON.shown} – Lien$`));
			let f = await facts(page);
			assert.equal(f['Date de naissance'], PERSON.birth);
			assert.equal(f['Date d\'information de la personne'], today);
			assert.equal(f['Manière dont elle a été informée'], L.oralNotice);
			await u.reached('dossier-cree');

			// The same person again, typed otherwise: the warning, with a
			// link to the existing file.
			await u.follow('Personnes', { scope: nav });
			await u.follow('Créer un dossier');
			await u.fill(L.birthName, AGAIN.last);
			await u.fill(L.firstNames, AGAIN.first);
			await u.fill(L.birthDate, PERSON.birth);
			r = await u.press('Créer le dossier');
			assert.equal(r.status(), 409, 'création suspendue par l\'alerte de doublon (409)');
			assert.match(await page.title(), /^Cette personne a peut-être déjà un dossier – Lien$/);
			const warning = page.locator('#doublons[role="alert"]');
			assert.equal(await warning.count(), 1, 'alerte de doublon annoncée');
			assert.equal(await s.text(page, '#doublons h2'), 'Cette personne a peut-être déjà un dossier');
			const toExisting = warning.getByRole('link', { name: PERSON.shown, exact: true });
			assert.equal(await toExisting.count(), 1, 'lien vers le dossier existant');
			assert.equal(await toExisting.getAttribute('href'), `/personnes/${id}`);
			const warned = await s.text(page, '#doublons li');
			assert.ok(warned.includes(PERSON.birth) && warned.includes(number), `date de naissance et numéro du dossier existant : ${warned}`);
			assert.equal(await page.getByLabel(L.birthName, { exact: true }).inputValue(), AGAIN.last, 'la saisie est conservée');
			assert.equal(await page.getByLabel(L.notSame, { exact: true }).isChecked(), false);
			await u.reached('doublon');

			if (mode === 'sans-js') {
				// "It is someone else": a second file, then back to the first
				// through the search, which lists both.
				await u.check(L.notSame);
				await u.press('Créer le dossier');
				const other = s.pathOf(page).match(/^\/personnes\/(\d+)$/);
				assert.ok(other && Number(other[1]) !== id, `second dossier créé : ${page.url()}`);
				assert.equal(await s.text(page, 'h1'), AGAIN.shown);
				assert.doesNotMatch(await s.flash(page), new RegExp(number), 'un autre numéro de dossier');
				await u.follow('Personnes', { scope: nav });
				const { list } = await searchAndOpen(u, L.search, 'garçon-dupré', number);
				assert.equal(list.length, 2, `les deux dossiers trouvés (${list.map((h) => h.name).join(' / ')})`);
			} else {
				await u.follow(toExisting);
			}
			await s.expectPath(page, `/personnes/${id}`);
			assert.equal(await s.text(page, 'h1'), PERSON.shown);

			// 3. A household member.
			await u.expand('Ajouter un membre du foyer');
			await u.fill('Prénom', MEMBER.first);
			await u.fill('Nom', MEMBER.last);
			await u.fill('Date de naissance (JJ/MM/AAAA)', MEMBER.birth);
			await u.select('Lien avec la personne', MEMBER.relation);
			await u.press('Ajouter au foyer');
			await s.expectPath(page, `/personnes/${id}`);
			assert.equal(new URL(page.url()).hash, '#foyer', 'retour au foyer');
			assert.equal(await s.flash(page), 'Membre du foyer ajouté.');
			const household = await page.locator('#foyer ~ ul li').allInnerTexts();
			assert.ok(household.some((t) => t.trim() === `${MEMBER.first} ${MEMBER.last} – ${MEMBER.relation}, né ou née le ${MEMBER.birth}`),
				`membre du foyer listé : ${household.join(' / ')}`);
			await u.reached('foyer');

			// The file edited: the form shows what is held.
			await u.follow('Modifier le dossier');
			await s.expectPath(page, `/personnes/${id}/modifier`);
			await s.expectH1(page, new RegExp(`^Modifier le dossier de ${PERSON.shown}$`));
			assert.equal(await page.getByLabel(L.birthName, { exact: true }).inputValue(), PERSON.last);
			assert.equal(await page.getByLabel(L.birthDate, { exact: true }).inputValue(), PERSON.birth);
			await u.reached('modifier');
			await u.fill('Téléphone', '06 12 34 56 78');
			await u.select('Moyen de contact préféré (obligatoire)', 'SMS');
			await u.press('Enregistrer');
			await s.expectPath(page, `/personnes/${id}`);
			assert.equal(await s.flash(page), 'Dossier enregistré.');
			f = await facts(page);
			assert.equal(f['Téléphone'], '06 12 34 56 78');
			assert.equal(f['Moyen de contact préféré'], 'SMS');

			// 4. An interview.
			await u.expand('Noter un échange');
			await u.select('Moyen', ENTRY.medium);
			await u.select('Nature', ENTRY.kind);
			await u.fill('Durée (minutes)', ENTRY.duration);
			await u.check(ENTRY.theme);
			await u.fill(L.summary, ENTRY.summary);
			await u.fill(L.forPerson, ENTRY.forPerson);
			await u.fill('Documents à apporter', ENTRY.documents);
			await u.fill(L.privateNote, ENTRY.privateNote);
			await u.fill('Tâche de suivi (facultative)', ENTRY.task);
			// Two fields of the page are labelled "Échéance (JJ/MM/AAAA)"
			// (this one and the "Ajouter une tâche" form's): by id.
			await u.fill(page.locator('#task_due'), due);
			await u.press('Enregistrer l\'échange');
			await s.expectPath(page, `/personnes/${id}`);
			assert.equal(new URL(page.url()).hash, '#journal', 'retour au journal');
			assert.equal(await s.flash(page), 'Entrée ajoutée au journal.');
			const entry = page.locator('ol.entries > li').first();
			assert.match(await s.text(page, 'ol.entries > li h3'), new RegExp(`^${today} à \\d\\dh\\d\\d – ${ENTRY.kind} \\(${ENTRY.medium}, ${ENTRY.duration} min\\)$`));
			const entryText = (await entry.innerText()).replace(/\s+/g, ' ');
			for (const want of [`Par ${WORKER_NAME}`, ENTRY.theme, ENTRY.summary, `Pour la personne : ${ENTRY.forPerson}`,
				`Documents à apporter : ${ENTRY.documents}`, `Ma note privée : ${ENTRY.privateNote}`])
				assert.ok(entryText.includes(want), `« ${want} » dans l'entrée du journal : ${entryText}`);
			assert.deepEqual(await entry.locator('.tag').allInnerTexts(), [ENTRY.theme], 'le seul thème coché');
			const tasks = (await page.locator('#taches ~ ul.tasks li').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
			assert.ok(tasks.some((t) => t.startsWith(`${ENTRY.task} – pour le ${due} – ${WORKER_NAME}`)), `tâche de suivi listée : ${tasks.join(' / ')}`);
			await u.reached('echange-note');

			// 6. The summary for the person, printed (the worker hands it over
			// at the end of the interview).
			await u.follow('Synthèse à remettre à la personne');
			await s.expectPath(page, `/personnes/${id}/synthese`);
			assert.match(await page.title(), new RegExp(`^Synthèse pour la personne – ${PERSON.shown}$`));
			await s.expectH1(page, new RegExp(`^Pour ${PERSON.shown}$`));
			const sheet = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
			for (const want of [ENTRY.forPerson, ENTRY.documents, WORKER_NAME, `Le ${today}`])
				assert.ok(sheet.includes(want), `« ${want} » sur la synthèse`);
			for (const never of [ENTRY.privateNote, ENTRY.summary])
				assert.ok(!sheet.includes(never), `« ${never} » ne doit pas figurer sur la synthèse`);
			await u.reached('synthese');
			await ctx.check(`impression : synthèse (navigateur) sur une page A4, sans navigation (${mode})`, async () => {
				const { pdf } = await assertOneA4Page(page, `${journey}-synthese`);
				await page.emulateMedia({ media: 'print' });
				const shown = await page.locator('.no-print').evaluateAll((els) => els.filter((e) => getComputedStyle(e).display !== 'none').length);
				await page.emulateMedia({ media: null });
				assert.equal(shown, 0, 'les liens « Retour au dossier » et PDF ne sont pas imprimés');
				const text = pdfText(pdf);
				for (const want of [`Pour ${PERSON.shown}`, ENTRY.forPerson, ENTRY.documents, WORKER_NAME])
					assert.ok(pdfHasText(text, want), `« ${want} » dans le PDF imprimé :\n${text}`);
				for (const never of [ENTRY.privateNote, ENTRY.summary, 'Retour au dossier'])
					assert.ok(!pdfHasText(text, never), `« ${never} » imprimé`);
			});
			await ctx.check(`PDF du serveur : synthèse en application/pdf, une page (${mode})`, async () => {
				const res = await page.request.get(`/personnes/${id}/synthese.pdf`);
				assert.equal(res.status(), 200);
				assert.match(res.headers()['content-type'] || '', /^application\/pdf\b/);
				assert.match(res.headers()['content-disposition'] || '', new RegExp(`filename="synthese-${number}\\.pdf"`));
				const pdf = await res.body();
				fs.writeFileSync(artifactPath(`${journey}-synthese-serveur.pdf`), pdf);
				assert.equal(pdfPageCount(pdf), 1, 'une page');
				const text = pdfText(pdf);
				for (const want of [`Pour ${PERSON.shown}`, ENTRY.forPerson, ENTRY.documents, WORKER_NAME])
					assert.ok(pdfHasText(text, want), `« ${want} » dans le PDF du serveur :\n${text}`);
				for (const never of [ENTRY.privateNote, ENTRY.summary])
					assert.ok(!pdfHasText(text, never), `« ${never} » dans le PDF du serveur`);
			});
			await u.follow('Retour au dossier');
			await s.expectPath(page, `/personnes/${id}`);
			await s.logout(u);

			// 5. A colleague (second factor enrolled at the first login, as in
			// journey 2) finds the file by its number: the summary, the text
			// for the person, not the private note.
			await s.signIn(page, lien, 'mediateur.demo');
			await s.expectH1(page, /^Bonjour Karim Ould-Ahmed$/);
			await searchAndOpen(u, L.homeSearch, number, number);
			await s.expectPath(page, `/personnes/${id}`);
			const theirs = page.locator('ol.entries > li').filter({ hasText: ENTRY.summary });
			assert.equal(await theirs.count(), 1, 'le collègue voit le compte rendu');
			const theirText = (await theirs.innerText()).replace(/\s+/g, ' ');
			assert.ok(theirText.includes(`Pour la personne : ${ENTRY.forPerson}`), 'et le texte pour la personne');
			assert.equal(await theirs.locator('.private').count(), 0, 'pas de bloc de note privée');
			assert.ok(!(await page.content()).includes(ENTRY.privateNote), 'la note privée n\'est nulle part dans la page du collègue');
			assert.equal(await page.getByText('Ma note privée', { exact: false }).count(), 0);
			await u.reached('dossier-collegue');
			await s.logout(u);

			// 7. Reception finds the file by birth date: identity and contact,
			// no "Situation", no follow-up content; notes a passage.
			await s.signIn(page, lien, 'accueil.demo');
			await s.expectH1(page, /^Bonjour Nadia Benali$/);
			await searchAndOpen(u, L.homeSearch, PERSON.birth, number);
			await s.expectPath(page, `/personnes/${id}`);
			const parts = (await page.locator('.file-facts h3').allInnerTexts()).map((t) => t.trim());
			assert.ok(parts.includes('Identité') && parts.includes('Contact'), `rubriques : ${parts.join(', ')}`);
			assert.ok(!parts.includes('Situation'), `pas de rubrique « Situation » pour l'accueil (${parts.join(', ')})`);
			const html = await page.content();
			for (const never of [ENTRY.summary, ENTRY.forPerson, ENTRY.documents, ENTRY.privateNote, ENTRY.task])
				assert.ok(!html.includes(never), `l'accueil ne doit pas lire « ${never} »`);
			assert.equal(await page.getByRole('link', { name: 'Synthèse à remettre à la personne' }).count(), 0, 'pas de synthèse pour l\'accueil');
			assert.equal(await page.locator('#foyer, #taches').count(), 0, 'ni foyer ni tâches pour l\'accueil');
			assert.match(await s.text(page, 'ol.entries > li h3'), new RegExp(`– ${ENTRY.kind} \\(${ENTRY.medium}, ${ENTRY.duration} min\\)$`), 'l\'accueil voit qu\'un entretien a eu lieu');
			await u.reached('dossier-accueil');
			// Themes are follow-up content: reception sees none (once, with the
			// mouse: the page is the same in the three modes).
			if (mode === 'souris')
				await ctx.check('dossier vu par l\'accueil : aucun thème sur les entrées du journal', () => noThemes(page, 'ol.entries > li'));

			await u.expand('Noter un échange');
			assert.equal(await page.locator('#kind').inputValue(), 'accueil', 'nature « Accueil » par défaut pour l\'accueil');
			assert.equal(await page.getByLabel(L.privateNote, { exact: true }).count(), 0, 'pas de note privée pour l\'accueil');
			// Reception is offered the "Accueil" kind only (the server refuses
			// the others too: tests/http/persons.js checks it).
			const kinds = await page.locator('#kind option').allInnerTexts();
			assert.deepEqual(kinds, ['Accueil'], `natures proposées à l'accueil : ${kinds.join(', ')}`);
			await u.fill(L.reason, PASSAGE);
			await u.select('Moyen', 'Visite sans rendez-vous');
			await u.press('Enregistrer l\'échange');
			await s.expectPath(page, `/personnes/${id}`);
			assert.equal(await s.flash(page), 'Entrée ajoutée au journal.');
			assert.match(await s.text(page, 'ol.entries > li h3'), new RegExp(`^${today} à \\d\\dh\\d\\d – Accueil \\(Visite sans rendez-vous\\)$`));
			const passage = (await page.locator('ol.entries > li').first().innerText()).replace(/\s+/g, ' ');
			assert.ok(passage.includes('Par Nadia Benali') && passage.includes(PASSAGE), `passage noté : ${passage}`);
			await u.reached('accueil-passage');
			await s.logout(u);

			// The worker sees the passage noted at the desk, with no theme (none
			// was chosen).
			if (mode === 'souris') {
				await s.signIn(page, lien, WORKER);
				await u.open(`/personnes/${id}`);
				const desk = page.locator('ol.entries > li').filter({ hasText: PASSAGE });
				assert.equal(await desk.count(), 1, 'le travailleur social voit le passage à l\'accueil');
				await ctx.check('dossier : une entrée sans thème n\'affiche aucun thème', () => noThemes(page, desk));
			}
		});
	}, { timeout: 180000 });
}
