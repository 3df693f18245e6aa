'use strict';
// Journey 2: the head of service logs in for the first time and must enrol
// the second factor (TOTP), keeps her recovery codes, logs out, logs in again
// with password + code, creates an account (with errors first), disables and
// re-enables it, and reads the audit log.

const assert = require('node:assert/strict');
const { test } = require('../lib/harness');
const { asActor, MODES } = require('../lib/actor');
const s = require('../lib/steps');

const LOGIN = 'responsable.demo';
const NEW_USER = { name: 'Camille Durand-Nguyen', login: 'camille.durand', email: 'camille.durand@example.org', password: 'Provisoire-Sapin-4821' };

async function fieldError(page, id) {
	const input = page.locator(`#${id}`);
	assert.equal(await input.getAttribute('aria-invalid'), 'true', `aria-invalid sur #${id}`);
	const ids = ((await input.getAttribute('aria-describedby')) || '').split(/\s+/);
	assert.ok(ids.includes(`${id}-erreur`), `aria-describedby de #${id} : ${ids.join(' ')}`);
	const msg = (await page.locator(`#${id}-erreur`).innerText()).trim();
	const summary = page.locator('.error-summary[role="alert"]');
	assert.equal(await summary.locator(`a[href="#${id}"]`).count(), 1, `lien du récapitulatif vers #${id}`);
	return msg;
}

for (const mode of MODES) {
	test(`parcours responsable (${mode})`, async (ctx) => {
		const lien = await ctx.instance(`responsable-${mode}`);
		const account = lien.accounts[LOGIN];
		await asActor(ctx, { lien, mode, journey: `responsable-${mode}` }, async (u) => {
			const page = u.page;
			await u.open('/connexion');

			// First login: the second factor must be enrolled before anything else.
			await s.login(u, LOGIN, account.password);
			await s.expectPath(page, '/compte/double-authentification');
			await s.expectH1(page, /^Double authentification$/);
			assert.equal(await page.getByRole('navigation').count(), 0, 'pas de navigation avant la double authentification');
			assert.equal(await page.locator('.qr svg[role="img"][aria-label]').count(), 1, 'code QR en SVG étiqueté');
			await u.reached('enrolement');
			// Nothing else is reachable until then.
			if (mode === 'souris') {
				await page.goto('/utilisateurs');
				await s.expectPath(page, '/compte/double-authentification', 'avant l\'enrôlement, /utilisateurs : ');
			}
			const codes = await s.enrolTotp(u, account);
			assert.equal(new Set(codes).size, codes.length, 'codes de secours distincts');
			await u.reached('codes-secours');
			await u.follow('Continuer vers l\'accueil');
			await s.expectPath(page, '/');
			await s.expectH1(page, /^Bonjour Françoise Le Gall$/);
			await u.reached('accueil');
			await s.logout(u);

			// Second login: password, then a wrong code, then a fresh code
			// (never the one used at enrolment: replays are refused).
			await s.login(u, LOGIN, account.password);
			await s.expectPath(page, '/connexion/code');
			await s.expectH1(page, /^Code de vérification$/);
			await u.reached('second-facteur');
			await u.fill('Code', '12345');
			await u.press('Valider');
			await s.expectPath(page, '/connexion/code');
			const codeErr = await fieldError(page, 'code');
			assert.match(codeErr, /incorrect/i);
			await u.reached('second-facteur-erreur');
			await s.secondFactor(u, account);
			await s.expectPath(page, '/');
			await s.expectH1(page, /^Bonjour Françoise Le Gall$/);

			// Users of the structure.
			const nav = page.getByRole('navigation', { name: 'Navigation principale' });
			await u.follow('Utilisateurs', { scope: nav });
			await s.expectPath(page, '/utilisateurs');
			await s.expectH1(page, /^Utilisateurs de la structure$/);
			assert.ok(await page.getByRole('cell', { name: 'travailleur.demo', exact: true }).count(), 'compte travailleur.demo listé');
			await u.reached('utilisateurs');

			await u.follow('Créer un compte');
			await s.expectPath(page, '/utilisateurs/nouveau');
			await s.expectH1(page, /^Créer un compte$/);
			await u.reached('nouvel-utilisateur');

			// Errors first: nothing chosen, then a malformed identifier.
			await u.fill('Nom et prénom', NEW_USER.name);
			await u.fill('Identifiant', 'Camille Durand');
			await u.fill('Mot de passe provisoire', 'court');
			await u.press('Créer le compte');
			await s.expectPath(page, '/utilisateurs');
			assert.match(await page.title(), /^Erreur – /, 'titre de page en erreur');
			const firstErrors = await page.locator('[aria-invalid="true"]').evaluateAll((els) => els.map((e) => e.id));
			assert.ok(firstErrors.length >= 1, 'au moins une erreur signalée');
			for (const id of firstErrors)
				await fieldError(page, id);
			assert.equal(await page.getByLabel('Nom et prénom', { exact: true }).inputValue(), NEW_USER.name, 'la saisie est conservée');
			await u.reached('nouvel-utilisateur-erreurs');

			await u.select('Rôle', 'Travailleur social');
			await u.fill('Identifiant', 'Camille Durand');
			await u.fill('Mot de passe provisoire', NEW_USER.password);
			await u.press('Créer le compte');
			assert.match(await fieldError(page, 'identifiant'), /identifiant/i);
			assert.equal(await page.locator('#role').inputValue(), 'travailleur_social', 'le rôle choisi est conservé');

			await u.fill('Identifiant', NEW_USER.login);
			await u.fill('Adresse électronique (facultative)', NEW_USER.email);
			await u.check('Agira à la place des personnes sous mandat (double authentification obligatoire)');
			await u.fill('Mot de passe provisoire', NEW_USER.password);
			await u.press('Créer le compte');
			await s.expectPath(page, '/utilisateurs');
			assert.match(await s.flash(page), new RegExp(`Le compte « ${NEW_USER.login} » a été créé`));
			const row = page.getByRole('row').filter({ hasText: NEW_USER.login });
			assert.equal(await row.count(), 1, 'nouveau compte listé');
			assert.match(await row.innerText(), /actif/);
			await u.reached('utilisateur-cree');

			await u.press(`Désactiver ${NEW_USER.name}`, { scope: row });
			assert.match(await s.flash(page), /désactivé/);
			assert.match(await page.getByRole('row').filter({ hasText: NEW_USER.login }).innerText(), /désactivé/);
			await u.reached('utilisateur-desactive');

			await u.press(`Réactiver ${NEW_USER.name}`, { scope: page.getByRole('row').filter({ hasText: NEW_USER.login }) });
			assert.match(await s.flash(page), /réactivé/);
			assert.doesNotMatch(await page.getByRole('row').filter({ hasText: NEW_USER.login }).innerText(), /désactivé/);

			await u.follow('Journal d\'audit', { scope: nav });
			await s.expectPath(page, '/journal');
			await s.expectH1(page, /^Journal d'audit$/);
			const actions = await page.locator('table.list tbody td:nth-child(3)').allInnerTexts();
			for (const a of ['user.add', 'user.disable', 'user.enable', 'totp.enabled'])
				assert.ok(actions.some((x) => x.includes(a)), `action ${a} au journal (${[...new Set(actions)].join(', ')})`);
			await u.reached('journal');

			await s.logout(u);
		});
	});
}
