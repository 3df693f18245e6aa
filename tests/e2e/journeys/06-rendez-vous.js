'use strict';
// Journey 6: appointments and their reminders (issue 8), with the keyboard
// alone.
//
// Three files are made first (setup, not the story): Mme Quéméneur (a
// mobile phone and an address, SMS preferred), M. Brisepierre (a mobile
// phone only, SMS preferred) and Mme Kermarrec (an address, letters
// preferred). The demo has no SMS gateway and no SMTP server: an SMS
// reminder falls back to a letter (an address) or to a call (a phone).
//
// 1. Reception (accueil.demo, no second factor) finds Mme Quéméneur from the
//    home page, books her an appointment with a social worker from her
//    file's « Prendre rendez-vous » (in three days, 14:30, 45 min, in the
//    premises, something to bring): the appointment page shows the letter
//    reminder. Mme Kermarrec at 14:45 with the same worker: refused, the
//    conflict announced (summary linking to the hour, aria-invalid, the
//    message as its description); 15:15 (when the first one ends) is
//    fine. A collective workshop tomorrow for M. Brisepierre and, through
//    « Autres personnes », Mme Kermarrec (a mistyped file number first).
// 2. The agenda: the week of the appointments, then the day of the
//    workshop; tables with a caption and column headers; printed on A4
//    (as the CSS says: portrait) with nothing cut and without navigation
//    or forms.
// 3. « Rappels »: the letters to print, the call to make, no failure; the
//    letters' PDF read with pdftotext (name, address, « Objet : Votre
//    rendez-vous… »); a letter « Postée », the call « Appel fait ».
// 4. The social worker moves the first appointment to 10:00 the next day
//    (a new letter is due, the posted one stays « fait »), records
//    « Venu » on an appointment made in the past, cancels the workshop
//    (the reminder still due is « annulé », the call made stays « fait »).
// 5. The worker creates a calendar feed (initials) in « Mon compte », reads
//    the secret address on the page, fetches it without cookies (VEVENTs
//    with initials only), revokes it (404).
// 6. The head of service (responsable.demo, second factor enrolled with the
//    TOTP helper) adds an appointment kind on « Ma structure », edits the
//    SMS template on /structure/rappels with « Aperçu » (segment count, the
//    two-SMS warning), tries to save one without {heure} (the error at the
//    SMS template), saves a valid one.
// axe (WCAG 2.1 A/AA) on every new kind of page, no horizontal scrolling
// at 640 px (1280 px at 200 %) on the forms and the agenda, every page's
// whole tab order walked.
//
// A second test, JavaScript off: booking, the conflict, the agenda's form
// and links (day, week, worker), moving, attendance and cancelling.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { test } = require('../lib/harness');
const { asActor, VIEWPORT } = require('../lib/actor');
const { assertAxe } = require('../lib/a11y');
const { assertNoHorizontalScroll } = require('../lib/layout');
const { printA4, printedScreenFurniture } = require('../lib/print');
const { pdfText, pdfHasText } = require('../lib/pdf');
const { artifactPath } = require('../lib/artifacts');
const s = require('../lib/steps');

const RECEPTION = 'accueil.demo';
const WORKER = 'travailleur.demo';
const WORKER_NAME = 'Élodie Marchand-Lefèvre';
const OTHER_WORKER_NAME = 'Karim Ould-Ahmed';
const HEAD = 'responsable.demo';
const P1 = { civ: 'Mme', first: 'Josette', last: 'Quéméneur', birth: '03/05/1961', shown: 'Mme QUÉMÉNEUR Josette', initials: 'J. Q.',
	address: '14 rue des Écoles', postal: '59650', commune: 'Villeneuve-d\'Ascq', phone: '06 12 34 56 78', channel: 'sms' };
const P2 = { civ: 'M.', first: 'Anatole', last: 'Brisepierre', birth: '21/11/1979', shown: 'M. BRISEPIERRE Anatole', initials: 'A. B.',
	phone: '06 45 67 89 01', channel: 'sms' };
const P3 = { civ: 'Mme', first: 'Gwenaëlle', last: 'Kermarrec', birth: '09/09/1992', shown: 'Mme KERMARREC Gwenaëlle', initials: 'G. K.',
	address: '3 allée des Peupliers', postal: '59491', commune: 'Villeneuve-d\'Ascq', channel: 'courrier' };
const BRING = 'Votre dernier avis d\'imposition et une quittance de loyer';
const NEW_KIND = 'Permanence logement';
const SMS_OK = '{structure} : RDV le {date} à {heure} avec {avec}[, {lieu}].[ Apportez : {apporter}.] Empêché ? Appelez le {telephone}.';
const SMS_NO_TIME = '{structure} : rendez-vous le {date} avec {avec}.';
const SMS_LONG = `${SMS_OK} Merci de venir dix minutes en avance, de présenter votre convocation à l'accueil et de prévenir si vous venez accompagné d'un enfant ou d'un interprète.`;

const L = {
	homeSearch: 'Retrouver une personne (nom, date de naissance, téléphone, numéro de dossier)',
	search: 'Nom, prénom, date de naissance, téléphone ou numéro de dossier',
	worker: 'Avec (obligatoire)',
	kind: 'Nature (obligatoire)',
	date: 'Date (JJ/MM/AAAA) (obligatoire)',
	time: 'Heure (par exemple 14:30) (obligatoire)',
	duration: 'Durée en minutes (obligatoire)',
	bring: 'À apporter',
	others: 'Autres personnes (numéros de dossier, séparés par des virgules)',
	day: 'Jour (JJ/MM/AAAA)',
};

const squash = (t) => String(t).replace(/\s+/g, ' ').trim();

// A day on the server's clock (Europe/Paris), `offset` days from today:
// as typed (fr), as the agenda names it (label), as a reminder says it
// (long: « mardi 1er décembre »), and its Monday's label.
function day(offset) {
	const d = new Date(Date.now() + offset * 86400e3);
	const p = Object.fromEntries(new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric' })
		.formatToParts(d).map((x) => [x.type, x.value]));
	const month = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', month: 'long' }).format(d);
	const n = Number(p.day);
	const utc = Date.UTC(Number(p.year), Number(p.month) - 1, n);
	const monday = new Date(utc - ((new Date(utc).getUTCDay() + 6) % 7) * 86400e3);
	const dd = (x) => String(x).padStart(2, '0');
	return {
		fr: `${p.day}/${p.month}/${p.year}`,
		label: `${p.weekday} ${p.day}/${p.month}/${p.year}`,
		long: `${p.weekday} ${n}${n === 1 ? 'er' : ''} ${month}`,
		monday: `lundi ${dd(monday.getUTCDate())}/${dd(monday.getUTCMonth() + 1)}/${monday.getUTCFullYear()}`,
	};
}

// The form was refused (422) and says so accessibly: "Erreur – " in the
// title, a summary announced as an alert whose every link leads to a field
// (or a group) marked invalid and described by the message. `want`: ids the
// summary must link to. Returns { id: message }.
async function assertFormErrors(page, res, want) {
	assert.equal(res.status(), 422, 'formulaire refusé (422)');
	assert.match(await page.title(), /^Erreur – /, 'titre de page en erreur');
	const summary = page.locator('.error-summary[role="alert"]');
	assert.equal(await summary.count(), 1, 'récapitulatif des erreurs annoncé (role="alert")');
	const links = await summary.locator('a').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent.trim() })));
	assert.ok(links.length >= 1, 'au moins un lien dans le récapitulatif');
	assert.match(await summary.locator('h2').innerText(), new RegExp(`${links.length} erreurs?$`), 'nombre d\'erreurs annoncé');
	const bad = [];
	const out = {};
	for (const { href, text } of links) {
		if (!/^#./.test(href || '')) {
			bad.push(`« ${text} » : lien ${href} vers aucun champ`);
			continue;
		}
		out[href.slice(1)] = text;
		const r = await page.evaluate((id) => {
			const el = document.getElementById(id);
			if (!el)
				return null;
			const desc = (e) => (e && e.getAttribute('aria-describedby') || '').split(/\s+/).map((d) => document.getElementById(d)?.textContent || '').join(' ');
			const tag = el.tagName.toLowerCase();
			const group = tag === 'fieldset' ? el : null;
			return { tag, group: !!group, invalid: el.getAttribute('aria-invalid'), described: desc(el) };
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
	for (const id of want)
		if (!(id in out))
			bad.push(`pas de lien vers #${id} dans le récapitulatif (${Object.keys(out).join(', ')})`);
	if (bad.length) {
		const err = new Error(`${bad.length} défaut(s) dans l'annonce des erreurs`);
		err.details = bad.join('\n');
		throw err;
	}
	return out;
}

// The agenda's day tables: caption, column headers, rows.
async function agendaTables(page) {
	return page.evaluate(() => [...document.querySelectorAll('main section.agenda-day')].map((sec) => {
		const h2 = sec.querySelector('h2');
		const t = sec.querySelector('table');
		return {
			labelledBy: sec.getAttribute('aria-labelledby') === h2?.id,
			day: h2 ? h2.textContent.trim() : '',
			caption: t?.querySelector('caption')?.textContent.trim() || '',
			heads: t ? [...t.querySelectorAll('thead th')].map((th) => `${th.textContent.trim()}/${th.getAttribute('scope')}`) : [],
			rows: t ? [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.cells].map((c) => c.innerText.replace(/\s+/g, ' ').trim())) : [],
			// Each cell names its column (shown before it when the table is
			// laid out in one column, at 200 % or on a phone).
			labels: t ? [...t.querySelectorAll('tbody td')].every((td) => td.dataset.label === t.tHead.rows[0].cells[td.cellIndex].textContent.trim()) : null,
			empty: !t && /Aucun rendez-vous\./.test(sec.textContent),
		};
	}));
}

const HEADS = ['Heure/col', 'Personnes/col', 'Nature/col', 'Avec/col', 'Lieu/col'];

// The page size of a PDF's first page, in points.
function mediaBox(pdf) {
	const m = /\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
	assert.ok(m, 'MediaBox dans le PDF');
	return { w: Number(m[3]) - Number(m[1]), h: Number(m[4]) - Number(m[2]) };
}

// The agenda printed: no navigation nor forms, nothing wider than the
// printable width of A4 portrait (174 mm between the 18 mm margins), A4
// portrait pages, the appointments in the PDF's text.
async function printAgenda(ctx, page, name, label, wants) {
	await ctx.check(`impression : ${label} sur A4 portrait, sans navigation ni formulaire, rien de coupé`, async () => {
		assert.deepEqual(await printedScreenFurniture(page), [], 'éléments d\'écran imprimés');
		await page.emulateMedia({ media: 'print' });
		await page.setViewportSize({ width: Math.floor(174 / 25.4 * 96), height: 1000 });
		try {
			const m = await page.evaluate(() => {
				const de = document.documentElement;
				const width = de.clientWidth;
				const cut = [];
				for (const el of document.querySelectorAll('main *')) {
					const r = el.getBoundingClientRect();
					if (r.width > 1 && (r.right > width + 0.5 || r.left < -0.5))
						cut.push(`<${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ''}> ${Math.round(r.left)}–${Math.round(r.right)} px pour ${width}`);
				}
				for (const t of document.querySelectorAll('main table'))
					if (t.scrollWidth > t.clientWidth + 1)
						cut.push(`tableau « ${t.caption?.textContent} » : ${t.scrollWidth} > ${t.clientWidth}`);
				const shown = [...document.querySelectorAll('main form, main .no-print')]
					.filter((e) => getComputedStyle(e).display !== 'none').map((e) => `<${e.tagName.toLowerCase()}.${e.className}>`);
				return { cut: cut.slice(0, 8), shown, scroll: de.scrollWidth > de.clientWidth };
			});
			assert.deepEqual(m.cut, [], 'coupé à droite');
			assert.equal(m.scroll, false, 'défilement horizontal à l\'impression');
			assert.deepEqual(m.shown, [], 'formulaire ou liens d\'écran imprimés');
		} finally {
			await page.setViewportSize(VIEWPORT);
			await page.emulateMedia({ media: null });
		}
		const { pdf, pages } = await printA4(page, name);
		assert.ok(pages >= 1, `${pages} page(s)`);
		const box = mediaBox(pdf);
		assert.ok(Math.abs(box.w - 595) < 3 && Math.abs(box.h - 842) < 3, `A4 portrait : ${box.w} × ${box.h} pt`);
		const text = pdfText(pdf);
		for (const want of wants)
			assert.ok(pdfHasText(text, want), `« ${want} » dans l'agenda imprimé :\n${text.slice(0, 1500)}`);
		for (const never of ['Afficher', 'Nouveau rendez-vous', 'Semaine suivante', 'Jour suivant', 'Se déconnecter', 'Aller au contenu'])
			assert.ok(!pdfHasText(text, never), `« ${never} » ne doit pas être imprimé`);
	});
}

// The reminders table of an appointment page: [{ when, person, channel, status }].
// Every cell names its column (data-label) for the one-column layout.
async function reminders(page) {
	return page.locator('section:has(#rappels) table tbody tr').evaluateAll((trs) => trs.map((tr) => {
		const c = [...tr.cells].map((td) => td.textContent.replace(/\s+/g, ' ').trim());
		const labels = [...tr.cells].map((td) => td.dataset.label).join('/');
		if (labels !== 'Quand/Personne/Moyen/État')
			throw new Error(`cellules des rappels sans le nom de leur colonne : ${labels}`);
		return { when: c[0], person: c[1], channel: c[2], status: c[3] };
	}));
}

// Files made before the story (a separate session of reception's).
async function createPersons(ctx, lien) {
	const context = await ctx.browser.newContext({ baseURL: lien.url, locale: 'fr-FR' });
	const page = await context.newPage();
	page.setDefaultTimeout(ctx.timeouts.action);
	page.setDefaultNavigationTimeout(ctx.timeouts.navigation);
	try {
		await s.signIn(page, lien, RECEPTION);
		for (const p of [P1, P2, P3]) {
			await page.goto('/personnes/nouvelle');
			await page.locator('#civilite').selectOption(p.civ);
			await page.locator('#birth_name').fill(p.last);
			await page.locator('#first_names').fill(p.first);
			await page.locator('#birth_date').fill(p.birth);
			for (const [id, v] of [['address', p.address], ['postal_code', p.postal], ['commune_name', p.commune], ['phone', p.phone]])
				if (v)
					await page.locator(`#${id}`).fill(v);
			await page.locator('#preferred_channel').selectOption(p.channel);
			await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Créer le dossier' }).click()]);
			const m = s.pathOf(page).match(/^\/personnes\/(\d+)$/);
			assert.ok(m, `dossier de ${p.shown} créé : ${page.url()}`);
			p.id = Number(m[1]);
			p.number = (await s.text(page, 'main .lead')).match(/^Dossier (\S+)/)[1];
		}
	} finally {
		await context.close();
	}
}

test('parcours rendez-vous et rappels (clavier : accueil, travailleur social, responsable ; agenda imprimé, lettres, flux d\'agenda)', async (ctx) => {
	const lien = await ctx.instance('rendez-vous');
	const journey = 'rendez-vous';
	await createPersons(ctx, lien);
	const D1 = day(1), D3 = day(3), D4 = day(4), PAST = day(-7);
	await asActor(ctx, { lien, mode: 'clavier', journey }, async (u) => {
		const page = u.page;
		const nav = page.getByRole('navigation', { name: 'Navigation principale' });
		const axe = (name) => ctx.check(`axe (WCAG 2.1 A/AA) : ${journey} › ${name}`, () => assertAxe(page, `${journey}-${name}`));
		const reflow = async (name) => {
			await page.setViewportSize({ width: 640, height: 450 });
			try {
				await ctx.check(`sans défilement horizontal à 640 px (200 %) : ${journey} › ${name}`, () => assertNoHorizontalScroll(page));
			} finally {
				await page.setViewportSize(VIEWPORT);
			}
		};
		const errors = (name, res, want) => ctx.check(`erreurs annoncées : ${journey} › ${name}`, () => assertFormErrors(page, res, want));
		const facts = async () => squash(await page.locator('main dl.facts').innerText());
		const openFile = async (p) => {
			await u.follow('Personnes', { scope: nav });
			await u.fill(L.search, p.last);
			await u.press('Rechercher');
			await u.follow(p.shown);
			await s.expectPath(page, `/personnes/${p.id}`);
		};
		const book = async ({ worker = WORKER_NAME, kind, date, time, duration, bring, others }) => {
			await u.select(L.worker, worker);
			if (kind)
				await u.select(L.kind, kind);
			await u.fill(L.date, date);
			await u.fill(L.time, time);
			if (duration)
				await u.fill(L.duration, duration);
			await u.check('Dans nos locaux');
			if (bring)
				await u.fill(L.bring, bring);
			if (others !== undefined)
				await u.fill(L.others, others);
			return u.press('Enregistrer le rendez-vous');
		};
		const appointmentId = () => {
			const m = s.pathOf(page).match(/^\/rendez-vous\/(\d+)$/);
			assert.ok(m, `page du rendez-vous : ${page.url()}`);
			return Number(m[1]);
		};

		// ---- 1. Reception books. ------------------------------------------
		await u.open('/connexion');
		await s.login(u, RECEPTION, lien.accounts[RECEPTION].password);
		await s.expectPath(page, '/', 'accueil sans double authentification : ');
		await u.fill(L.homeSearch, P1.last);
		await u.press('Rechercher');
		await u.follow(P1.shown);
		await s.expectPath(page, `/personnes/${P1.id}`);
		assert.match(squash(await page.locator('section:has(#rendez-vous)').innerText()), /Aucun rendez-vous\./);
		await u.follow('Prendre rendez-vous');
		await s.expectPath(page, '/rendez-vous/nouveau');
		assert.equal(new URL(page.url()).searchParams.get('personne'), String(P1.id));
		await s.expectH1(page, /^Nouveau rendez-vous$/);
		assert.equal(await page.getByLabel(P1.shown, { exact: true }).isChecked(), true, 'la personne du dossier est cochée');
		assert.equal(await page.locator('#kind option:checked').innerText(), 'Entretien', 'entretien par défaut');
		assert.equal(await page.locator('#duration').inputValue(), '45', '45 minutes par défaut');
		await u.reached('rdv-nouveau');
		await axe('nouveau rendez-vous');
		await reflow('nouveau rendez-vous');
		await book({ date: D3.fr, time: '14:30', duration: '45', bring: BRING });
		const first = appointmentId();
		assert.equal(await s.flash(page), 'Rendez-vous enregistré. Les rappels partiront selon le moyen choisi par chaque personne.');
		await s.expectH1(page, new RegExp(`^Entretien – ${D3.label} de 14:30 à 15:15$`));
		const f1 = await facts();
		for (const want of [`Avec ${WORKER_NAME}`, 'Lieu Dans nos locaux', `À apporter ${BRING}`])
			assert.ok(f1.includes(want), `« ${want} » dans ${f1}`);
		await ctx.check('rappel du rendez-vous : pas de passerelle SMS, une lettre (la personne a une adresse)', async () => {
			assert.deepEqual((await reminders(page)).map((r) => [r.person, r.channel, r.status]), [[`${P1.first} ${P1.last}`, 'Lettre', 'prévu']]);
		});
		await u.reached('rdv');
		await axe('rendez-vous');
		await reflow('rendez-vous');

		// The same worker a quarter of an hour later: the conflict.
		await openFile(P3);
		await u.follow('Prendre rendez-vous');
		let res = await book({ date: D3.fr, time: '14:45' });
		await s.expectPath(page, '/rendez-vous');
		await errors('conflit d\'horaire', res, ['time']);
		assert.match(await page.locator('#time-erreur').innerText(), /^Ce professionnel a déjà un rendez-vous à ce moment-là/);
		assert.equal(await page.locator('#time').inputValue(), '14:45', 'l\'heure tapée est gardée');
		assert.equal(await page.locator('#date').inputValue(), D3.fr, 'la date tapée est gardée');
		assert.equal(await page.locator('#worker option:checked').innerText(), WORKER_NAME, 'le professionnel reste choisi');
		assert.equal(await page.getByLabel(P3.shown, { exact: true }).isChecked(), true, 'la personne reste cochée');
		await u.reached('rdv-conflit');
		await axe('nouveau rendez-vous (conflit)');
		await reflow('nouveau rendez-vous (conflit)');
		// From the summary's link to the field, with the keyboard.
		await u.follow(page.locator('.error-summary a[href="#time"]'), { sameDocument: true });
		assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'time', 'le lien du récapitulatif mène au champ');
		await u.fill(L.time, '15:15');
		await u.press('Enregistrer le rendez-vous');
		appointmentId();
		await s.expectH1(page, new RegExp(`^Entretien – ${D3.label} de 15:15 à 16:00$`));

		// The collective workshop, tomorrow, for two people.
		await openFile(P2);
		await u.follow('Prendre rendez-vous');
		res = await book({ kind: 'Atelier collectif', date: D1.fr, time: '10:00', duration: '120', others: '2026-9999999' });
		await errors('autre personne inconnue', res, ['others']);
		assert.match(await page.locator('#others-erreur').innerText(), /^Aucun dossier ne porte le numéro 2026-9999999\.$/);
		assert.equal(await page.getByLabel(P2.shown, { exact: true }).isChecked(), true, 'la personne du dossier reste cochée');
		await u.reached('atelier-erreur');
		await axe('nouveau rendez-vous (numéro de dossier inconnu)');
		await u.fill(L.others, P3.number);
		await u.press('Enregistrer le rendez-vous');
		const workshop = appointmentId();
		await s.expectH1(page, new RegExp(`^Atelier collectif – ${D1.label} de 10:00 à 12:00$`));
		assert.deepEqual((await page.locator('section:has(#personnes) li a').allInnerTexts()).sort(), [P2.shown, P3.shown].sort());
		await ctx.check('rappels de l\'atelier : un appel (téléphone seulement), une lettre (adresse)', async () => {
			const r = (await reminders(page)).map((x) => [x.person, x.channel, x.status]).sort();
			assert.deepEqual(r, [[`${P2.first} ${P2.last}`, 'Appel téléphonique', 'prévu'], [`${P3.first} ${P3.last}`, 'Lettre', 'prévu']].sort());
		});

		// ---- 2. The agenda: week, then day; printed. ---------------------------
		await u.follow('Agenda', { scope: nav });
		await s.expectPath(page, '/agenda');
		await s.expectH1(page, new RegExp(`^Agenda – Semaine du ${day(0).monday}$`));
		await ctx.check('agenda : le champ « Jour (JJ/MM/AAAA) » montre le jour au format annoncé', async () => {
			assert.equal(await page.locator('#jour').inputValue(), day(0).fr);
		});
		await u.fill(L.day, D3.fr);
		await u.select('Vue', 'Semaine');
		await u.press('Afficher');
		await s.expectH1(page, new RegExp(`^Agenda – Semaine du ${D3.monday}$`));
		const week = await agendaTables(page);
		await ctx.check('agenda (semaine) : sept jours ; ceux qui ont des rendez-vous, un tableau avec légende et en-têtes de colonnes ; les autres « Aucun rendez-vous. »', async () => {
			assert.equal(week.length, 7, 'sept jours');
			assert.equal(week[0].day, D3.monday);
			for (const t of week) {
				assert.ok(t.labelledBy, `section de ${t.day} nommée par son titre`);
				if (!t.rows.length) {
					assert.ok(t.empty && !t.heads.length, `${t.day} : « Aucun rendez-vous. » sans tableau vide`);
					continue;
				}
				assert.equal(t.caption, `Rendez-vous du ${t.day}`);
				assert.deepEqual(t.heads, HEADS, `en-têtes de ${t.day}`);
				assert.equal(t.labels, true, `chaque cellule de ${t.day} porte le nom de sa colonne (data-label)`);
			}
			const d3 = week.find((t) => t.day === D3.label);
			assert.ok(d3, `le ${D3.label} dans la semaine`);
			assert.deepEqual(d3.rows, [
				['14:30–15:15', P1.shown, 'Entretien', WORKER_NAME, 'Dans nos locaux'],
				['15:15–16:00', P3.shown, 'Entretien', WORKER_NAME, 'Dans nos locaux'],
			]);
		});
		await u.reached('agenda-semaine');
		await axe('agenda (semaine)');
		await reflow('agenda (semaine)');
		await printAgenda(ctx, page, `${journey}-agenda-semaine`, 'agenda de la semaine', [`Agenda – Semaine du ${D3.monday}`, D3.label, P1.shown, P3.shown, '14:30–15:15']);

		await u.fill(L.day, D1.fr);
		await u.select('Vue', 'Jour');
		await u.press('Afficher');
		await s.expectH1(page, new RegExp(`^Agenda – ${D1.label}$`));
		await ctx.check('agenda (jour) : un tableau avec légende et en-têtes, l\'atelier et ses deux personnes', async () => {
			const t = await agendaTables(page);
			assert.equal(t.length, 1);
			assert.equal(t[0].caption, `Rendez-vous du ${D1.label}`);
			assert.deepEqual(t[0].heads, HEADS);
			assert.equal(t[0].labels, true, 'chaque cellule porte le nom de sa colonne (data-label)');
			assert.deepEqual(t[0].rows, [['10:00–12:00', `${P2.shown} ${P3.shown}`, 'Atelier collectif', WORKER_NAME, 'Dans nos locaux']]);
		});
		await u.reached('agenda-jour');
		await axe('agenda (jour)');
		await reflow('agenda (jour)');
		await printAgenda(ctx, page, `${journey}-agenda-jour`, 'agenda du jour', [`Agenda – ${D1.label}`, 'Atelier collectif', P2.shown, P3.shown]);

		// ---- 3. « Rappels »: letters, a call, failures. ------------------------
		await u.follow('Rappels', { scope: nav });
		await s.expectPath(page, '/rappels');
		await s.expectH1(page, /^Rappels à faire$/);
		const subject1 = `Votre rendez-vous du ${D3.long} à 14 h 30`;
		const letter1 = page.locator('section:has(#lettres) li').filter({ hasText: subject1 });
		const call2 = page.locator('section:has(#appels) li').filter({ hasText: `${P2.first} ${P2.last}` });
		await ctx.check('rappels : trois lettres à poster, un appel à passer (avec le texte à dire), aucun échec', async () => {
			const letters = (await page.locator('section:has(#lettres) li').allInnerTexts()).map(squash);
			assert.equal(letters.length, 3, letters.join(' / '));
			assert.equal(await letter1.count(), 1, `lettre de Mme ${P1.last} : ${letters.join(' / ')}`);
			assert.ok(squash(await letter1.innerText()).startsWith(`${P1.first} ${P1.last} – ${subject1}`));
			assert.equal(letters.filter((l) => l.startsWith(`${P3.first} ${P3.last} – `)).length, 2, 'deux lettres pour Mme Kermarrec');
			const calls = (await page.locator('section:has(#appels) li').allInnerTexts()).map(squash);
			assert.equal(calls.length, 1, calls.join(' / '));
			assert.ok(calls[0].startsWith(`${P2.first} ${P2.last} – ${P2.phone} À dire :`), calls[0]);
			assert.ok(calls[0].includes(`rendez-vous le ${D1.long} à 10 h avec ${WORKER_NAME}`), `texte de l'appel : ${calls[0]}`);
			assert.match(squash(await page.locator('section:has(#echecs)').innerText()), /Aucun échec\.$/);
		});
		await u.reached('rappels');
		await axe('rappels');
		await reflow('rappels');

		// The link opens the letters (Enter) in the browser's PDF viewer, to
		// print or save; the PDF is the answer to that navigation.
		await ctx.check('rappels : « Imprimer toutes les lettres (PDF) » ouvert au clavier, lu par pdftotext (nom, adresse, objet)', async () => {
			await u.focus(u.link('Imprimer toutes les lettres (PDF)'));
			const r = await u.navigating(() => page.keyboard.press('Enter'));
			assert.equal(s.pathOf(page), '/rappels/lettres.pdf');
			assert.equal(r.headers()['content-type'], 'application/pdf');
			assert.match(r.headers()['content-disposition'] || '', /filename="lettres-de-rappel\.pdf"/);
			// The viewer replaces the answer's body: the same PDF, fetched
			// again with the session's cookies, for pdftotext.
			const again = await page.request.get('/rappels/lettres.pdf');
			assert.equal(again.status(), 200);
			const bytes = await again.body();
			assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
			const file = artifactPath(`${journey}-lettres.pdf`);
			fs.writeFileSync(file, bytes);
			const t = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', timeout: 30000 });
			assert.equal(t.status, 0, `pdftotext : ${t.stderr}`);
			const text = t.stdout.replace(/[’‘]/g, '\'');
			fs.writeFileSync(artifactPath(`${journey}-lettres.txt`), text);
			const flat = squash(text);
			for (const want of [`${P1.civ} ${P1.first} ${P1.last.toUpperCase()}`, P1.address, `${P1.postal} ${P1.commune.toUpperCase()}`,
				`Objet : ${subject1}`, `Pensez à apporter : ${BRING}`, `${P3.civ} ${P3.first} ${P3.last.toUpperCase()}`, P3.address])
				assert.ok(flat.includes(want), `« ${want} » dans les lettres :\n${text.slice(0, 2000)}`);
			assert.equal((text.match(/Objet : Votre rendez-vous/g) || []).length, 3, 'trois lettres');
			assert.ok((text.match(/\f/g) || []).length >= 3, 'une page par lettre');
		});
		await u.open('/rappels');
		await u.press(u.button(/^Postée/, letter1));
		await s.expectPath(page, '/rappels');
		assert.equal(await s.flash(page), 'C\'est noté.');
		assert.equal(await letter1.count(), 0, 'la lettre postée n\'est plus à poster');
		await u.press(u.button(/^Appel fait/, call2));
		assert.equal(await s.flash(page), 'C\'est noté.');
		assert.equal(await call2.count(), 0, 'l\'appel fait n\'est plus à passer');
		assert.match(squash(await page.locator('section:has(#appels)').innerText()), /Aucun appel à passer aujourd'hui\.$/);
		await s.logout(u);

		// ---- 4. The social worker: move, attendance, cancel. ---------------------
		await s.login(u, WORKER, lien.accounts[WORKER].password);
		await s.expectPath(page, '/');
		await u.follow('Agenda', { scope: nav });
		assert.equal(await page.locator('#pro option:checked').innerText(), WORKER_NAME, 'son propre agenda par défaut');
		await u.fill(L.day, D3.fr);
		await u.press('Afficher');
		await u.follow('14:30–15:15');
		assert.equal(appointmentId(), first);
		await ctx.check('rendez-vous : la lettre postée est « fait »', async () => {
			assert.deepEqual((await reminders(page)).map((r) => [r.channel, r.status]), [['Lettre', 'fait']]);
		});
		await u.fill(L.date, D4.fr);
		await u.fill(L.time, '10:00');
		await u.press('Enregistrer');
		assert.equal(appointmentId(), first);
		assert.equal(await s.flash(page), 'Rendez-vous modifié. Les rappels suivent le nouvel horaire.');
		await s.expectH1(page, new RegExp(`^Entretien – ${D4.label} de 10:00 à 10:45$`));
		await ctx.check('rendez-vous déplacé : une nouvelle lettre est prévue, la lettre postée reste « fait »', async () => {
			assert.deepEqual((await reminders(page)).map((r) => [r.channel, r.status]).sort(), [['Lettre', 'fait'], ['Lettre', 'prévu']]);
		});
		await u.reached('rdv-deplace');

		// An appointment in the past, made through the form; then « Venu ».
		await u.follow(P1.shown, { scope: page.locator('section:has(#personnes)') });
		await s.expectPath(page, `/personnes/${P1.id}`);
		await u.follow('Prendre rendez-vous');
		assert.equal(await page.locator('#worker option:checked').innerText(), WORKER_NAME, 'le professionnel connecté par défaut');
		await u.fill(L.date, PAST.fr);
		await u.fill(L.time, '09:00');
		await u.press('Enregistrer le rendez-vous');
		const past = appointmentId();
		await s.expectH1(page, new RegExp(`^Entretien – ${PAST.label} de 09:00 à 09:45$`));
		assert.match(squash(await page.locator('section:has(#rappels)').innerText()), /^Rappels Aucun rappel/);
		assert.equal(await page.locator('section:has(#rappels) table').count(), 0, 'pas de tableau de rappels vide');
		const presence = `Présence de ${P1.shown}`;
		await u.select(presence, 'Venu');
		await u.press(`Enregistrer la présence de ${P1.shown}`);
		assert.equal(appointmentId(), past);
		assert.equal(await s.flash(page), 'Présence enregistrée.');
		assert.equal(await page.locator('section:has(#personnes) li strong').first().innerText(), 'Venu');
		await u.reached('rdv-passe');
		await axe('rendez-vous passé (présence)');

		// The workshop cancelled.
		await u.follow('Agenda', { scope: nav });
		await u.fill(L.day, D1.fr);
		await u.select('Vue', 'Jour');
		await u.press('Afficher');
		await u.follow('10:00–12:00');
		assert.equal(appointmentId(), workshop);
		await u.press('Annuler le rendez-vous');
		assert.equal(appointmentId(), workshop);
		assert.equal(await s.flash(page), 'Rendez-vous annulé. Aucun rappel ne partira plus ; prévenez la personne si besoin.');
		await s.expectH1(page, new RegExp(`^Atelier collectif – ${D1.label} de 10:00 à 12:00 \\(annulé\\)$`));
		await ctx.check('rendez-vous annulé : le rappel encore à faire est « annulé », l\'appel déjà fait reste « fait »', async () => {
			const r = (await reminders(page)).map((x) => [x.person, x.channel, x.status]).sort();
			assert.deepEqual(r, [[`${P2.first} ${P2.last}`, 'Appel téléphonique', 'fait'], [`${P3.first} ${P3.last}`, 'Lettre', 'annulé']].sort());
			assert.equal(await page.getByRole('button', { name: 'Annuler le rendez-vous' }).count(), 0, 'plus de bouton d\'annulation');
			assert.equal(await page.locator('#date').count(), 0, 'plus de formulaire de modification');
		});
		await u.reached('rdv-annule');
		await axe('rendez-vous annulé');
		await reflow('rendez-vous annulé');

		// ---- 5. The calendar feed. ------------------------------------------------
		await u.follow('Mon compte', { scope: nav });
		await s.expectPath(page, '/compte');
		assert.equal(await page.getByLabel('Initiales de la personne et nature du rendez-vous (conseillé)', { exact: true }).isChecked(), true, 'initiales par défaut');
		await u.reached('compte');
		await axe('mon compte (agenda)');
		await reflow('mon compte (agenda)');
		await u.check('Initiales de la personne et nature du rendez-vous (conseillé)');
		await u.press('Créer l\'adresse');
		await s.expectPath(page, '/compte/agenda');
		await s.expectH1(page, /^Mon agenda dans mon téléphone$/);
		const feedUrl = (await page.locator('#adresse-agenda').innerText()).trim();
		assert.match(feedUrl, new RegExp(`^${lien.url.replace(/[.]/g, '\\.')}/calendrier/[^/\\s]{20,}\\.ics$`), `adresse secrète : ${feedUrl}`);
		await u.reached('flux-agenda');
		await axe('adresse de l\'agenda');
		await reflow('adresse de l\'agenda');
		await ctx.check('flux d\'agenda lu sans cookie : les rendez-vous du professionnel, initiales seulement', async () => {
			const r = await fetch(feedUrl, { redirect: 'manual' });
			assert.equal(r.status, 200);
			assert.match(r.headers.get('content-type') || '', /^text\/calendar/);
			const ics = (await r.text()).replace(/\r\n[ \t]/g, '');
			fs.writeFileSync(artifactPath(`${journey}-agenda.ics`), ics);
			assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
			const events = ics.split('BEGIN:VEVENT').slice(1);
			assert.equal(events.length, 4, `quatre rendez-vous (déplacé, 15:15, atelier annulé, passé) :\n${ics}`);
			const summaries = events.map((e) => (/\r\nSUMMARY:(.*)\r\n/.exec(e) || [])[1]).sort();
			assert.deepEqual(summaries, [`Atelier collectif – ${P2.initials}\\, ${P3.initials}`, `Entretien – ${P1.initials}`,
				`Entretien – ${P1.initials}`, `Entretien – ${P3.initials}`].sort());
			assert.equal(events.filter((e) => /\r\nSTATUS:CANCELLED\r\n/.test(e)).length, 1, 'l\'atelier annulé');
			for (const p of [P1, P2, P3])
				for (const word of [p.first, p.last, p.last.toUpperCase(), p.phone, p.address].filter(Boolean))
					assert.ok(!ics.includes(word), `« ${word} » dans le flux`);
			assert.ok(!ics.includes(BRING), 'ce qu\'il faut apporter n\'est pas dans le flux');
		});
		await u.follow('votre compte');
		await s.expectPath(page, '/compte');
		assert.match(squash(await page.locator('main').innerText()), /Vous avez une adresse en service\./);
		await u.press('Supprimer l\'adresse');
		await s.expectPath(page, '/compte');
		assert.equal(await s.flash(page), 'Le lien de votre agenda ne fonctionne plus.');
		await ctx.check('flux d\'agenda supprimé : 404', async () => {
			const r = await fetch(feedUrl, { redirect: 'manual' });
			assert.equal(r.status, 404);
		});
		await s.logout(u);

		// ---- 6. The head of service: a kind of appointment, the SMS template. ------
		const head = lien.accounts[HEAD];
		await s.login(u, HEAD, head.password);
		if (s.pathOf(page) === '/compte/double-authentification') {
			await s.enrolTotp(u, head);
			await u.follow('Continuer vers l\'accueil');
		} else {
			await s.secondFactor(u, head);
		}
		await s.expectPath(page, '/');
		await u.follow('Coordonnées de la structure (imprimées sur les documents)');
		await s.expectPath(page, '/structure');
		await u.fill('Nouvelle nature de rendez-vous', NEW_KIND);
		await u.press('Ajouter la nature');
		await s.expectPath(page, '/structure');
		assert.equal(new URL(page.url()).hash, '#rendez-vous');
		assert.equal(await s.flash(page), 'Nature de rendez-vous ajoutée.');
		assert.ok((await page.locator('#rendez-vous ~ ul.inline-list li').allInnerTexts()).map(squash).includes(NEW_KIND), 'nouvelle nature listée');
		await u.reached('structure');
		await axe('ma structure');
		await reflow('ma structure');

		await u.follow('rappels envoyés aux personnes');
		await s.expectPath(page, '/structure/rappels');
		await s.expectH1(page, /^Rappels de rendez-vous$/);
		await u.reached('reglages-rappels');
		await axe('réglages des rappels');
		await reflow('réglages des rappels');
		const sms = 'SMS (et texte de l\'appel)';
		const previewLine = async () => squash(await page.locator('section:has(#apercu) h3:text-is("SMS") + p + p').innerText());
		await u.fill(sms, SMS_OK);
		res = await u.press('Aperçu');
		assert.equal(res.status(), 200);
		await s.expectPath(page, '/structure/rappels');
		assert.equal(await page.locator('#sms_template').inputValue(), SMS_OK, 'le modèle tapé est gardé');
		const okText = squash(await page.locator('section:has(#apercu) h3:text-is("SMS") + p').innerText());
		assert.ok(okText.startsWith('CCAS de Villeneuve-d\'Ascq (démonstration) : RDV le mardi 2 décembre à 14 h 30 avec Élodie Marchand'), `aperçu : ${okText}`);
		const oneSms = await previewLine();
		assert.match(oneSms, /^\d+ caractères – 1 SMS\.$/, `nombre de SMS : ${oneSms}`);
		await u.reached('reglages-apercu');
		await u.fill(sms, SMS_LONG);
		await u.press('Aperçu');
		const twoSms = await previewLine();
		await ctx.check('aperçu d\'un SMS trop long : deux SMS, l\'avertissement', async () => {
			assert.match(twoSms, /^\d+ caractères – 2 SMS : le message sera facturé et reçu en plusieurs morceaux ; raccourcissez-le si possible/, twoSms);
		});
		await u.reached('reglages-trop-long');
		await axe('réglages des rappels (aperçu, 2 SMS)');
		await reflow('réglages des rappels (aperçu, 2 SMS)');
		// Nothing saved by « Aperçu ».
		await u.open('/structure/rappels');
		assert.notEqual(await page.locator('#sms_template').inputValue(), SMS_LONG, 'l\'aperçu n\'enregistre rien');
		// Saved without the hour: refused, the message at the SMS template.
		await u.fill(sms, SMS_NO_TIME);
		res = await u.press('Enregistrer');
		await errors('modèle de SMS sans {heure}', res, ['sms_template']);
		assert.match(await page.locator('#sms_template-erreur').innerText(), /contient \{date\} et \{heure\}/);
		assert.equal(await page.locator('#sms_template').inputValue(), SMS_NO_TIME, 'le modèle tapé est gardé');
		assert.equal(await page.locator('#delays').getAttribute('aria-invalid'), null, 'les délais ne sont pas en cause');
		await u.reached('reglages-erreur');
		await axe('réglages des rappels (erreur)');
		await u.fill(sms, SMS_OK);
		await u.press('Enregistrer');
		await s.expectPath(page, '/structure/rappels');
		assert.equal(await s.flash(page), 'Réglages des rappels enregistrés.');
		assert.equal(await page.locator('#sms_template').inputValue(), SMS_OK, 'le modèle enregistré');
		assert.match(await previewLine(), /– 1 SMS\.$/);

		// The new kind is offered when booking.
		await u.open(`/rendez-vous/nouveau?personne=${P3.id}`);
		const kinds = await page.locator('#kind option').allInnerTexts();
		assert.ok(kinds.includes(NEW_KIND), `« ${NEW_KIND} » parmi les natures : ${kinds.join(', ')}`);
		await s.logout(u);
	});
}, { timeout: 240000 });

test('rendez-vous sans JavaScript : prise, conflit, agenda (jour, semaine, professionnel), déplacement, présence, annulation', async (ctx) => {
	const lien = await ctx.instance('rendez-vous-sans-js');
	const journey = 'rendez-vous-sans-js';
	const D2 = day(2), D3 = day(3), PAST = day(-2);
	await asActor(ctx, { lien, mode: 'sans-js', journey }, async (u) => {
		const page = u.page;
		const nav = page.getByRole('navigation', { name: 'Navigation principale' });
		await u.open('/connexion');
		await s.login(u, RECEPTION, lien.accounts[RECEPTION].password);
		await s.expectPath(page, '/');
		await u.open('/personnes/nouvelle');
		await u.fill('Nom de naissance (obligatoire)', 'Loiseau-Tanguy');
		await u.fill('Prénoms (obligatoire)', 'Maël');
		await u.fill('Date de naissance', '30/06/1984');
		await u.press('Créer le dossier');
		const m = s.pathOf(page).match(/^\/personnes\/(\d+)$/);
		assert.ok(m, `dossier créé : ${page.url()}`);
		const shown = 'LOISEAU-TANGUY Maël';

		const book = async (date, time) => {
			await u.follow('Prendre rendez-vous');
			await u.select(L.worker, OTHER_WORKER_NAME);
			await u.fill(L.date, date);
			await u.fill(L.time, time);
			await u.check('Par téléphone');
			return u.press('Enregistrer le rendez-vous');
		};
		// Nobody expected: refused, the message on the group of people.
		await u.follow('Prendre rendez-vous');
		await u.check(shown, false);
		await u.select(L.worker, OTHER_WORKER_NAME);
		await u.fill(L.date, D2.fr);
		await u.fill(L.time, '09:30');
		const none = await u.press('Enregistrer le rendez-vous');
		await ctx.check('erreurs annoncées : rendez-vous sans personne (JavaScript désactivé)', async () => {
			const errs = await assertFormErrors(page, none, ['persons']);
			assert.equal(errs.persons, 'Un rendez-vous concerne au moins une personne.');
		});
		await u.open(`/personnes/${m[1]}`);
		await book(D2.fr, '09:30');
		const am = s.pathOf(page).match(/^\/rendez-vous\/(\d+)$/);
		assert.ok(am, `rendez-vous créé sans JavaScript : ${page.url()}`);
		await s.expectH1(page, new RegExp(`^Entretien – ${D2.label} de 09:30 à 10:15$`));
		assert.match(squash(await page.locator('main dl.facts').innerText()), /Lieu Par téléphone/);
		assert.match(squash(await page.locator('section:has(#rappels)').innerText()), /Aucun rappel : la personne n'a aucun moyen de contact enregistré/);

		await u.follow(shown, { scope: page.locator('section:has(#personnes)') });
		const res = await book(D2.fr, '09:45');
		assert.equal(res.status(), 422, 'conflit refusé');
		assert.match(await page.title(), /^Erreur – /);
		assert.match(squash(await page.locator('.error-summary a[href="#time"]').innerText()), /^Ce professionnel a déjà un rendez-vous/);
		assert.equal(await page.locator('#time').getAttribute('aria-invalid'), 'true');

		// The agenda's form (GET) and links.
		await u.follow('Agenda', { scope: nav });
		await u.fill(L.day, D2.fr);
		await u.select('Professionnel', OTHER_WORKER_NAME);
		await u.select('Vue', 'Jour');
		await u.press('Afficher');
		await s.expectPath(page, '/agenda');
		assert.equal(new URL(page.url()).searchParams.get('vue'), 'jour');
		await s.expectH1(page, new RegExp(`^Agenda – ${D2.label}$`));
		const rows = async () => (await page.locator('main table tbody tr').allInnerTexts()).map(squash);
		assert.deepEqual(await rows(), [`09:30–10:15 ${shown} Entretien ${OTHER_WORKER_NAME} Par téléphone`]);
		await u.follow('Jour suivant');
		await s.expectH1(page, new RegExp(`^Agenda – ${D3.label}$`));
		assert.match(squash(await page.locator('main').innerText()), /Aucun rendez-vous\./);
		assert.equal(await page.locator('#pro option:checked').innerText(), OTHER_WORKER_NAME, 'le professionnel reste choisi');
		await u.follow('Jour précédent');
		await s.expectH1(page, new RegExp(`^Agenda – ${D2.label}$`));
		await u.select('Vue', 'Semaine');
		await u.press('Afficher');
		await s.expectH1(page, new RegExp(`^Agenda – Semaine du ${D2.monday}$`));
		assert.equal(await page.locator('main section.agenda-day').count(), 7);
		await u.select('Professionnel', WORKER_NAME);
		await u.press('Afficher');
		assert.equal(await page.locator('main table tbody tr').count(), 0, 'rien pour l\'autre professionnel');
		await u.select('Professionnel', 'Toute la structure');
		await u.press('Afficher');
		assert.equal(await page.locator('main table tbody tr').count(), 1, 'toute la structure');

		// Moved, then cancelled.
		await u.follow('09:30–10:15');
		assert.equal(s.pathOf(page), `/rendez-vous/${am[1]}`);
		await u.fill(L.time, '11:00');
		await u.press('Enregistrer');
		assert.equal(await s.flash(page), 'Rendez-vous modifié. Les rappels suivent le nouvel horaire.');
		await s.expectH1(page, new RegExp(`^Entretien – ${D2.label} de 11:00 à 11:45$`));
		await u.press('Annuler le rendez-vous');
		await s.expectH1(page, /\(annulé\)$/);

		// An appointment two days ago: attendance.
		await u.follow(shown, { scope: page.locator('section:has(#personnes)') });
		await book(PAST.fr, '14:00');
		await s.expectH1(page, new RegExp(`^Entretien – ${PAST.label} de 14:00 à 14:45$`));
		await u.select(`Présence de ${shown}`, 'Absent sans prévenir');
		await u.press(`Enregistrer la présence de ${shown}`);
		assert.equal(await s.flash(page), 'Présence enregistrée.');
		assert.equal(await page.locator('section:has(#personnes) li strong').first().innerText(), 'Absent sans prévenir');
		// The file lists both.
		await u.follow(shown, { scope: page.locator('section:has(#personnes)') });
		const listed = (await page.locator('section:has(#rendez-vous) li').allInnerTexts()).map(squash);
		assert.equal(listed.length, 2, listed.join(' / '));
		assert.ok(listed.some((l) => l.includes('(annulé)')), listed.join(' / '));
	});
});
