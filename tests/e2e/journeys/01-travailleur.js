'use strict';
// Journey 1: a social worker logs in, opens "Mon compte", changes her
// password (a wrong current password first), logs out and back in with the
// new one. Run with the mouse, the keyboard alone and without JavaScript.

const assert = require('node:assert/strict');
const { test } = require('../lib/harness');
const { asActor, MODES } = require('../lib/actor');
const s = require('../lib/steps');

const LOGIN = 'travailleur.demo';
const NEW_PASSWORD = 'Glycine-Mauve-Printemps-9';

for (const mode of MODES) {
	test(`parcours travailleur social (${mode})`, async (ctx) => {
		const lien = await ctx.instance(`travailleur-${mode}`);
		const account = lien.accounts[LOGIN];
		await asActor(ctx, { lien, mode, journey: `travailleur-${mode}` }, async (u) => {
			const page = u.page;

			// Any address leads to the login page when logged out.
			await u.open('/');
			await s.expectPath(page, '/connexion');
			assert.match(await page.title(), /^Connexion – Lien$/);
			await u.reached('connexion');

			await s.login(u, LOGIN, account.password);
			await s.expectPath(page, '/');
			await s.expectH1(page, /^Bonjour Élodie Marchand-Lefèvre$/);
			assert.equal(await page.locator('nav a[aria-current="page"]').innerText(), 'Accueil');
			await u.reached('accueil');

			await u.follow('Mon compte', { scope: page.getByRole('navigation', { name: 'Navigation principale' }) });
			await s.expectPath(page, '/compte');
			await s.expectH1(page, /^Mon compte$/);
			await u.reached('compte');

			// A wrong current password: the error is tied to its field and
			// announced in a summary at the top; the title says so too.
			await u.fill('Mot de passe actuel', 'Pas-le-bon-mot-2026');
			await u.fill('Nouveau mot de passe', NEW_PASSWORD);
			await u.fill('Confirmez le nouveau mot de passe', NEW_PASSWORD);
			await u.press('Changer le mot de passe');
			assert.match(await page.title(), /^Erreur – Mon compte – Lien$/, 'titre de page en erreur');
			const summary = page.locator('.error-summary[role="alert"]');
			assert.equal(await summary.count(), 1, 'récapitulatif des erreurs');
			assert.match(await summary.innerText(), /1 erreur/);
			const actuel = page.locator('#actuel');
			assert.equal(await actuel.getAttribute('aria-invalid'), 'true', 'aria-invalid sur le mot de passe actuel');
			const describedby = ((await actuel.getAttribute('aria-describedby')) || '').split(/\s+/);
			assert.ok(describedby.includes('actuel-erreur'), `aria-describedby = ${describedby}`);
			const msg = (await page.locator('#actuel-erreur').innerText()).trim();
			assert.ok(msg.length > 5, 'message d\'erreur du champ');
			const described = await actuel.evaluate((el) => el.ariaDescribedByElements
				? el.ariaDescribedByElements.map((e) => e.textContent).join(' ')
				: (el.getAttribute('aria-describedby') || '').split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' '));
			assert.ok(described.includes(msg), 'le message est bien la description du champ');
			assert.equal(await page.locator('#nouveau').getAttribute('aria-invalid'), null, 'pas d\'erreur sur le nouveau mot de passe');
			// The summary links to the field (here followed, as a person would).
			const toField = summary.getByRole('link');
			assert.equal(await toField.getAttribute('href'), '#actuel');
			await u.reached('compte-erreur');
			await u.follow(toField, { sameDocument: true });
			if (mode !== 'sans-js')
				assert.equal(await page.evaluate(() => document.activeElement?.id), 'actuel', 'le lien du récapitulatif mène au champ');

			await u.fill('Mot de passe actuel', account.password);
			await u.fill('Nouveau mot de passe', NEW_PASSWORD);
			await u.fill('Confirmez le nouveau mot de passe', NEW_PASSWORD);
			await u.press('Changer le mot de passe');
			await s.expectPath(page, '/compte');
			assert.match(await s.flash(page), /Votre mot de passe a été changé/);
			assert.equal(await page.locator('[aria-invalid="true"]').count(), 0);
			account.password = NEW_PASSWORD;
			await u.reached('compte-change');

			await s.logout(u);
			await u.reached('deconnecte');

			// The new password works.
			await s.login(u, LOGIN, NEW_PASSWORD);
			await s.expectH1(page, /^Bonjour /);
			await s.logout(u);
		});
	});
}
