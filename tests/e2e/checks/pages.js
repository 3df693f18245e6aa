'use strict';
// Checks of pages outside the journeys: the helpers themselves, public and
// error pages (axe, weight), reflow at 320 and 640 px, print.

const assert = require('node:assert/strict');
const { test } = require('../lib/harness');
const { totp, hotp, base32Decode, freshCode } = require('../lib/totp');
const { pdfPageCount, pdfDeclaredCount } = require('../lib/pdf');
const { assertAxe } = require('../lib/a11y');
const { disableCache, assertPageWeight } = require('../lib/weight');
const { assertNoHorizontalScroll } = require('../lib/layout');
const { screenshot } = require('../lib/artifacts');
const { SCREEN_ONLY, printedScreenFurniture, printA4, assertOneA4Page } = require('../lib/print');
const { VIEWPORT } = require('../lib/actor');
const s = require('../lib/steps');

async function newPage(ctx, opts = {}) {
	const context = await ctx.browser.newContext({ baseURL: ctx.lien.url, viewport: VIEWPORT, locale: 'fr-FR', ...opts });
	const page = await context.newPage();
	page.setDefaultTimeout(ctx.timeouts.action);
	page.setDefaultNavigationTimeout(ctx.timeouts.navigation);
	return page;
}

async function withPage(ctx, opts, fn) {
	const page = await newPage(ctx, opts);
	try {
		return await fn(page);
	} finally {
		await page.context().close().catch(() => {});
	}
}

test('outil : TOTP conforme aux vecteurs de la RFC 6238 (SHA-1)', async () => {
	// RFC 6238 annexe B: secret "12345678901234567890", 8 chiffres.
	const key = base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
	assert.equal(key.toString(), '12345678901234567890');
	for (const [t, want] of [[59, '94287082'], [1111111109, '07081804'], [1234567890, '89005924'], [2000000000, '69279037']])
		assert.equal(hotp(key, Math.floor(t / 30), 8), want, `T=${t}`);
	assert.equal(totp('GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ', 1), hotp(key, 1));
});

test('outil : pdfPageCount compte les pages d\'un PDF de Chromium', async (ctx) => {
	await withPage(ctx, {}, async (page) => {
		for (const n of [1, 3]) {
			const divs = Array.from({ length: n }, (_, i) => `<div style="${i < n - 1 ? 'break-after: page' : ''}">page ${i + 1}</div>`).join('');
			await page.setContent(`<!doctype html><title>t</title>${divs}`);
			const pdf = await page.pdf({ format: 'A4' });
			assert.equal(pdfPageCount(pdf), n, `${n} page(s)`);
			assert.equal(pdfDeclaredCount(pdf), n, `/Count ${n}`);
		}
	});
});

// The checkers must be able to fail: each is shown a page that breaks its rule.
test('outil : les vérifications détectent focus invisible, défilement horizontal et violation axe', async (ctx) => {
	const { walkTabOrder } = require('../lib/keyboard');
	const mustThrow = async (what, fn, re) => {
		let err = null;
		try {
			await fn();
		} catch (e) {
			err = e;
		}
		assert.ok(err, `${what} : non détecté`);
		assert.match(err.message, re, `${what} : ${err.message}`);
	};
	await withPage(ctx, {}, async (page) => {
		const head = '<!doctype html><html lang="fr"><title>t</title><style>:focus-visible{outline:3px solid}</style>';
		await page.setContent(`${head}<a class="skip" href="#m">Aller au contenu</a><main id="m"><button style="outline:none">Sans focus</button></main>`);
		await mustThrow('focus invisible', () => walkTabOrder(page), /focus invisible/);
		await page.setContent(`${head}<a href="/">Accueil</a><a class="skip" href="#m">Aller au contenu</a>`);
		await mustThrow('lien d\'évitement absent en tête', () => walkTabOrder(page), /lien d'évitement/);
		await page.setContent(`${head}<a class="skip" href="#m">Aller au contenu</a><a href="/">Accueil</a>`);
		assert.equal((await walkTabOrder(page)).length, 2, 'ordre de tabulation d\'une page correcte');
		await page.setViewportSize({ width: 320, height: 400 });
		await page.setContent(`${head}<main><pre>${'x'.repeat(200)}</pre></main>`);
		await mustThrow('défilement horizontal', () => assertNoHorizontalScroll(page), /défilement horizontal/);
		await page.setContent(`${head}<main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main>`);
		await mustThrow('image sans alternative', () => assertAxe(page, null), /image-alt/);
	});
});

test('pages publiques : déclaration d\'accessibilité, 404, erreur de connexion', async (ctx) => {
	await withPage(ctx, {}, async (page) => {
		await disableCache(page);
		const r1 = await page.goto('/accessibilite');
		assert.equal(r1.status(), 200);
		await s.expectH1(page, /^Déclaration d'accessibilité$/);
		const h2 = await page.locator('main h2').allInnerTexts();
		for (const want of ['État de conformité', 'Résultats des tests', 'Contenus non accessibles', 'Établissement de cette déclaration', 'Retour d\'information et contact', 'Voies de recours'])
			assert.ok(h2.includes(want), `rubrique RGAA « ${want} » (${h2.join(' / ')})`);
		await screenshot(page, 'pages-accessibilite');
		await ctx.check('axe (WCAG 2.1 A/AA) : déclaration d\'accessibilité', () => assertAxe(page, 'accessibilite'));
		await ctx.check('poids < 50 Ko : déclaration d\'accessibilité', () => assertPageWeight(page, { record: ctx.weights, name: 'déclaration d\'accessibilité' }));

		const r2 = await page.goto('/cette-page-n-existe-pas');
		assert.equal(r2.status(), 404);
		await s.expectH1(page, /^Page introuvable$/);
		assert.match(await page.title(), /^Page introuvable – Lien$/);
		await screenshot(page, 'pages-404');
		await ctx.check('axe (WCAG 2.1 A/AA) : page 404', () => assertAxe(page, '404'));
		await ctx.check('poids < 50 Ko : page 404', () => assertPageWeight(page, { record: ctx.weights, name: 'page 404' }));

		// An unknown account: the generic error, announced.
		await page.goto('/connexion');
		await page.getByLabel('Identifiant', { exact: true }).fill('personne.inconnue');
		await page.getByLabel('Mot de passe', { exact: true }).fill('Mauvais-Mot-De-Passe-1');
		const [resp] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Se connecter' }).click()]);
		assert.equal(resp.status(), 401);
		assert.match(await page.locator('.error-summary[role="alert"]').innerText(), /Identifiant ou mot de passe incorrect/);
		await screenshot(page, 'pages-connexion-erreur');
		await ctx.check('axe (WCAG 2.1 A/AA) : connexion refusée', () => assertAxe(page, 'connexion-erreur'));
	});
});

test('pages d\'erreur connecté : 403 et 404', async (ctx) => {
	await withPage(ctx, {}, async (page) => {
		await s.signIn(page, ctx.lien, 'accueil.demo');
		const r = await page.goto('/utilisateurs');
		assert.equal(r.status(), 403);
		await s.expectH1(page, /^Accès refusé$/);
		await screenshot(page, 'pages-403');
		await ctx.check('axe (WCAG 2.1 A/AA) : page 403', () => assertAxe(page, '403'));
		const r2 = await page.goto('/utilisateurs/999999/inconnu');
		assert.equal(r2.status(), 404);
		await ctx.check('axe (WCAG 2.1 A/AA) : page 404 connecté', () => assertAxe(page, '404-connecte'));
	});
});

// 1280 px at 400 % = 320 CSS px; at 200 % = 640 px.
const WIDTHS = [
	{ width: 320, height: 256, label: '320 px (400 %)', enrol: 'mediateur.demo' },
	{ width: 640, height: 450, label: '640 px (200 %)', enrol: 'accueil.demo' },
];

for (const w of WIDTHS) {
	test(`sans défilement horizontal à ${w.label}`, async (ctx) => {
		const viewport = { width: w.width, height: w.height };
		const tag = `${w.width}px`;
		const at = async (page, name) => {
			await ctx.check(`sans défilement horizontal à ${w.label} : ${name}`, () => assertNoHorizontalScroll(page));
			if (w.width === 320)
				await screenshot(page, `reflow-${tag}-${name.normalize('NFD').replace(/[^a-z0-9]+/gi, '-')}`);
		};
		await withPage(ctx, { viewport }, async (page) => {
			for (const [path, name] of [['/connexion', 'connexion'], ['/accessibilite', 'accessibilité'], ['/nulle-part', '404']]) {
				await page.goto(path);
				await at(page, name);
			}
			// The enrolment pages, with an account that has no second factor yet.
			const account = ctx.lien.accounts[w.enrol];
			await page.goto('/connexion');
			await page.getByLabel('Identifiant', { exact: true }).fill(w.enrol);
			await page.getByLabel('Mot de passe', { exact: true }).fill(account.password);
			await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Se connecter' }).click()]);
			if (s.pathOf(page) !== '/compte/double-authentification')
				await page.goto('/compte/double-authentification');
			await at(page, 'double authentification');
			account.secret = (await page.locator('code.secret').innerText()).replace(/\s+/g, '');
			await page.getByLabel('Code à 6 chiffres', { exact: true }).fill(await freshCode(account));
			await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Activer' }).click()]);
			await s.expectH1(page, /codes de secours/i);
			await at(page, 'codes de secours');
		});
		await withPage(ctx, { viewport }, async (page) => {
			await s.signIn(page, ctx.lien, 'responsable.demo');
			for (const [path, name] of [['/', 'accueil'], ['/compte', 'mon compte'], ['/compte/double-authentification', 'double authentification active'],
				['/utilisateurs', 'utilisateurs'], ['/utilisateurs/nouveau', 'nouvel utilisateur'], ['/journal', 'journal d\'audit'],
				['/rapports/activite', 'rapport d\'activité'], ['/rapports/activite?du=01/01/2026&au=28/11/2026', 'rapport d\'activité sur l\'année'],
				['/structure', 'ma structure'], ['/personnes/import', 'import depuis un tableur']]) {
				await page.goto(path);
				await s.expectPath(page, path.split('?')[0]);
				await at(page, name);
			}
			await page.goto('/utilisateurs/nouveau');
			await page.getByLabel('Identifiant', { exact: true }).fill('Un identifiant beaucoup trop long et invalide avec des espaces');
			await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Créer le compte' }).click()]);
			await at(page, 'nouvel utilisateur avec erreurs');
		});
	});
}

test('impression : accueil sans en-tête ni navigation, une page A4', async (ctx) => {
	await withPage(ctx, {}, async (page) => {
		await s.signIn(page, ctx.lien, 'travailleur.demo');
		for (const sel of SCREEN_ONLY)
			assert.ok(await page.locator(sel).count(), `${sel} présent à l'écran`);
		assert.deepEqual(await printedScreenFurniture(page), [], 'éléments d\'écran masqués à l\'impression');
		await page.emulateMedia({ media: 'print' });
		assert.notEqual(await page.locator('main h1').evaluate((e) => getComputedStyle(e).display), 'none', 'le contenu reste imprimé');
		await assertOneA4Page(page, 'impression-accueil');
	});
});

test('impression : déclaration d\'accessibilité en PDF (comptage des pages)', async (ctx) => {
	await withPage(ctx, {}, async (page) => {
		await page.goto('/accessibilite');
		const { pdf, pages: n } = await printA4(page, 'impression-accessibilite');
		assert.ok(n >= 1 && n <= 4, `${n} page(s)`);
		assert.equal(n, pdfDeclaredCount(pdf), 'pages comptées = /Count du PDF');
		assert.deepEqual(await printedScreenFurniture(page), [], 'éléments d\'écran masqués à l\'impression');
	});
});
