'use strict';
// Checks of the person's file pages outside journey 3: no horizontal
// scrolling at 320 and 640 px (search results, file page with its forms
// open, creation form, its errors and the duplicate warning, edit form,
// summary for the person) and search results still readable there; error
// summaries whose links lead to their fields, and only the form in error
// reopened; the focus style on the date field's calendar button; and the
// PDF text reader itself. Nothing here changes the shared instance's data: the
// forms are sent with errors, or stop at the duplicate warning.

const assert = require('node:assert/strict');
const { test } = require('../lib/harness');
const { assertAxe } = require('../lib/a11y');
const { assertNoHorizontalScroll } = require('../lib/layout');
const { screenshot } = require('../lib/artifacts');
const { focusInfo } = require('../lib/keyboard');
const { pdfText, pdfHasText } = require('../lib/pdf');
const { VIEWPORT } = require('../lib/actor');
const s = require('../lib/steps');

async function withPage(ctx, opts, fn) {
	const context = await ctx.browser.newContext({ baseURL: ctx.lien.url, viewport: VIEWPORT, locale: 'fr-FR', ...opts });
	const page = await context.newPage();
	page.setDefaultTimeout(ctx.timeouts.action);
	page.setDefaultNavigationTimeout(ctx.timeouts.navigation);
	try {
		return await fn(page);
	} finally {
		await context.close().catch(() => {});
	}
}

async function submit(page, button) {
	const [res] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button, exact: true }).click()]);
	return res;
}

// A demo person's file: the first result for "lef" (LEFEBVRE Leïla).
async function demoFile(page) {
	await page.goto('/personnes?q=lef');
	const href = await page.locator('table.list tbody tr a').first().getAttribute('href');
	assert.match(href || '', /^\/personnes\/\d+$/, 'un dossier de démonstration trouvé');
	return href;
}

// The duplicate warning, from the demo person's own identity typed
// otherwise: nothing is created (409).
async function duplicateWarning(page) {
	await page.goto('/personnes/nouvelle');
	await page.locator('#birth_name').fill('LEFEBVRE');
	await page.locator('#first_names').fill('leila');
	await page.locator('#birth_date').fill('15/05/1974');
	const res = await submit(page, 'Créer le dossier');
	assert.equal(res.status(), 409, 'alerte de doublon');
	assert.equal(await page.locator('#doublons').count(), 1);
}

// Every link of the error summary leads to a field of the page that says it
// is in error and is described by its message.
async function assertErrorLinks(page) {
	const links = await page.locator('.error-summary a[href^="#"]').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent.trim() })));
	assert.ok(links.length >= 1, 'récapitulatif des erreurs avec au moins un lien');
	const bad = [];
	for (const { href, text } of links) {
		const id = decodeURIComponent(href.slice(1));
		const field = await page.evaluate((i) => {
			const el = document.getElementById(i);
			if (!el)
				return null;
			const described = (el.getAttribute('aria-describedby') || '').split(/\s+/).map((d) => document.getElementById(d)?.textContent || '').join(' ');
			return { tag: el.tagName.toLowerCase(), invalid: el.getAttribute('aria-invalid'), described };
		}, id);
		if (!field)
			bad.push(`« ${text} » → ${href} : aucun élément n'a l'id « ${id} »`);
		else if (!/^(input|select|textarea|fieldset)$/.test(field.tag))
			bad.push(`« ${text} » → ${href} : <${field.tag}>, pas un champ`);
		else if (field.tag !== 'fieldset' && field.invalid !== 'true')
			bad.push(`« ${text} » → ${href} : pas d'aria-invalid="true"`);
		else if (field.tag !== 'fieldset' && !field.described.includes(text))
			bad.push(`« ${text} » → ${href} : le message n'est pas la description du champ (${field.described || 'aucune'})`);
	}
	if (bad.length) {
		const err = new Error(`${bad.length} lien(s) du récapitulatif des erreurs sans champ en erreur au bout`);
		err.details = bad.join('\n');
		throw err;
	}
}

test('outil : pdfText lit le texte d\'un PDF de Chromium (accents, ligature, sauts de ligne)', async (ctx) => {
	await withPage(ctx, {}, async (page) => {
		await page.setContent('<!doctype html><html lang="fr"><title>t</title><p style="font-size:30pt;width:8em">Élodie Garçon-Dupré, la fin de l\'été à Noël</p><p><b>Gras</b> (parenthèses) \\ fin</p>');
		const text = pdfText(await page.pdf({ format: 'A4' }));
		for (const want of ['Élodie Garçon-Dupré, la fin de l\'été à Noël', 'Gras (parenthèses) \\ fin'])
			assert.ok(pdfHasText(text, want), `« ${want} » lu dans :\n${text}`);
		assert.ok(!pdfHasText(text, 'Note privée'), 'un texte absent n\'est pas trouvé');
	});
});

const WIDTHS = [
	{ width: 320, height: 256, label: '320 px (400 %)' },
	{ width: 640, height: 450, label: '640 px (200 %)' },
];

for (const w of WIDTHS) {
	test(`dossier : sans défilement horizontal à ${w.label}`, async (ctx) => {
		await withPage(ctx, { viewport: { width: w.width, height: w.height } }, async (page) => {
			const at = async (name) => {
				await ctx.check(`sans défilement horizontal à ${w.label} : ${name}`, () => assertNoHorizontalScroll(page));
				if (w.width === 320)
					await screenshot(page, `reflow-${w.width}px-${name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '')}`);
			};
			await s.signIn(page, ctx.lien, 'travailleur.demo');
			const file = await demoFile(page);
			await at('résultats de recherche');
			// Narrow, the table's head is moved off screen and each row
			// stacks its cells: each cell must then say its column
			// (data-label, shown by lien.css), as on the users' page.
			await ctx.check(`résultats de recherche à ${w.label} : chaque cellule nomme sa colonne`, async () => {
				const r = await page.evaluate(() => {
					const head = document.querySelector('table.list thead');
					const stacked = !!head && head.getBoundingClientRect().right <= 0;
					const bare = [...document.querySelectorAll('table.list tbody td')].filter((td) => !td.dataset.label).map((td) => td.textContent.trim());
					return { stacked, bare };
				});
				assert.ok(r.stacked, 'en-tête du tableau hors écran à cette largeur');
				if (r.bare.length)
					throw new Error(`${r.bare.length} cellule(s) sans data-label, lues sans leur colonne : ${r.bare.join(' / ')}`);
			});
			await page.goto(file);
			// Every form of the page open, as a worker would use them.
			await page.evaluate(() => document.querySelectorAll('main details').forEach((d) => { d.open = true; }));
			await at('dossier (formulaires ouverts)');
			await page.goto('/personnes/nouvelle');
			await at('nouvelle personne');
			await page.locator('#info_date').fill('');
			await submit(page, 'Créer le dossier');
			assert.ok(await page.locator('.error-summary').count(), 'formulaire en erreur');
			await at('nouvelle personne avec erreurs');
			await duplicateWarning(page);
			await at('alerte de doublon');
			await page.goto(`${file}/modifier`);
			await at('modifier le dossier');
			await page.goto(`${file}/synthese`);
			await at('synthèse pour la personne');
		});
	});
}

test('dossier : chaque lien du récapitulatif d\'erreurs mène à son champ', async (ctx) => {
	await withPage(ctx, {}, async (page) => {
		await s.signIn(page, ctx.lien, 'travailleur.demo');
		const file = await demoFile(page);

		await page.goto('/personnes/nouvelle');
		await page.locator('#info_date').fill('');
		await submit(page, 'Créer le dossier');
		await ctx.check('récapitulatif d\'erreurs relié aux champs : nouvelle personne', () => assertErrorLinks(page));

		// Household member without a name.
		await page.goto(file);
		await page.locator('summary', { hasText: 'Ajouter un membre du foyer' }).click();
		let res = await submit(page, 'Ajouter au foyer');
		assert.equal(res.status(), 422);
		await ctx.check('récapitulatif d\'erreurs relié aux champs : membre du foyer sans nom', () => assertErrorLinks(page));
		await ctx.check('axe (WCAG 2.1 A/AA) : membre du foyer sans nom', () => assertAxe(page, 'dossier-foyer-erreur'));

		// Task without text.
		await page.goto(file);
		await page.locator('summary', { hasText: 'Ajouter une tâche' }).click();
		res = await submit(page, 'Ajouter la tâche');
		assert.equal(res.status(), 422);
		await screenshot(page, 'dossier-tache-erreur');
		await ctx.check('récapitulatif d\'erreurs relié aux champs : tâche sans texte', () => assertErrorLinks(page));
		await ctx.check('tâche sans texte : seul le formulaire de tâche est rouvert', async () => {
			const open = await page.locator('main details[open] > summary').allInnerTexts();
			const names = open.map((t) => t.trim());
			if (names.join('|') !== 'Ajouter une tâche')
				throw new Error(`formulaires ouverts : ${names.join(', ')} (« Noter un échange » s'ouvre pour toute erreur de la page)`);
		});
		await ctx.check('axe (WCAG 2.1 A/AA) : tâche sans texte', () => assertAxe(page, 'dossier-tache-erreur'));

		// Journal entry in the future, with an impossible duration.
		await page.goto(file);
		await page.locator('summary', { hasText: 'Noter un échange' }).click();
		await page.locator('#duration').fill('beaucoup');
		await page.locator('#when').fill('2099-01-01T10:00');
		res = await submit(page, 'Enregistrer l\'échange');
		assert.equal(res.status(), 422);
		assert.equal(await page.locator('.error-summary li').count(), 2, 'durée et date en erreur');
		await ctx.check('récapitulatif d\'erreurs relié aux champs : échange (durée, date future)', () => assertErrorLinks(page));
		await ctx.check('axe (WCAG 2.1 A/AA) : échange en erreur', () => assertAxe(page, 'dossier-echange-erreur'));
	});
});

// The "Date et heure" field of the journal form: its calendar button takes
// the focus on Tab; Lien's focus style (3 px outline and yellow halo) must
// show there too, not only Chromium's thin default ring.
test('clavier : le bouton calendrier du champ « Date et heure » montre le focus au style de Lien', async (ctx) => {
	await withPage(ctx, {}, async (page) => {
		await s.signIn(page, ctx.lien, 'travailleur.demo');
		await page.goto(await demoFile(page));
		await page.locator('summary', { hasText: 'Noter un échange' }).click();
		await page.locator('#duration').focus();
		let f = null;
		for (let i = 0; i < 10; i++) {
			await page.keyboard.press('Tab');
			f = await focusInfo(page);
			if (f.picker || !/id="when"/.test(f.desc))
				break;
		}
		assert.ok(f && f.picker, `le bouton calendrier de « Date et heure » n'a pas reçu le focus (focus : ${f && f.desc})`);
		await screenshot(page, 'dossier-focus-calendrier');
		const style = await page.locator('#when').evaluate((el) => {
			const c = getComputedStyle(el);
			return { outline: `${c.outlineStyle} ${c.outlineWidth}`, shadow: c.boxShadow };
		});
		assert.ok(!/^none/.test(style.outline) || style.shadow !== 'none',
			`focus sur le bouton calendrier de #when : le champ n'a ni outline ni halo (outline ${style.outline}, box-shadow ${style.shadow}) ; seul l'anneau fin par défaut de Chromium entoure l'icône`);
	});
});
