'use strict';
// Steps shared by journeys, written against the Actor (so they work with the
// mouse, the keyboard alone and without JavaScript), and direct helpers for
// tests that just need a logged-in page.

const assert = require('node:assert/strict');
const { freshCode } = require('./totp');

function pathOf(page) {
	const u = new URL(page.url());
	return u.pathname;
}

async function text(page, selector) {
	return (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();
}

async function expectPath(page, path, what = '') {
	assert.equal(pathOf(page), path, `${what}adresse attendue ${path}, obtenue ${page.url()}`);
}

async function expectH1(page, re) {
	const h1 = await text(page, 'h1');
	assert.match(h1, re, `titre h1 « ${h1} »`);
	return h1;
}

async function flash(page) {
	const loc = page.locator('.flash[role="status"]');
	return (await loc.count()) ? text(page, '.flash[role="status"]') : '';
}

// From the login page: identifier + password, submit.
async function login(u, login, password) {
	await u.fill('Identifiant', login);
	await u.fill('Mot de passe', password);
	await u.press('Se connecter');
}

async function logout(u) {
	await u.press('Se déconnecter');
	await expectPath(u.page, '/connexion', 'après déconnexion : ');
	assert.match(await flash(u.page), /Vous êtes déconnecté/);
}

// On the enrolment page: reads the secret shown as text, as a person typing
// it into an authenticator would, and confirms with a code.
async function enrolTotp(u, account) {
	await expectPath(u.page, '/compte/double-authentification');
	const secret = (await u.page.locator('code.secret').innerText()).replace(/\s+/g, '');
	assert.match(secret, /^[A-Z2-7]{16,}$/, `clé TOTP affichée : ${secret}`);
	account.secret = secret;
	account.totpStep = undefined;
	await u.fill('Code à 6 chiffres', await freshCode(account));
	await u.press('Activer');
	await expectH1(u.page, /codes de secours/i);
	const codes = await u.page.locator('ul.codes li code').allInnerTexts();
	assert.ok(codes.length >= 5, `codes de secours affichés : ${codes.length}`);
	account.recovery = codes;
	return codes;
}

async function secondFactor(u, account) {
	await expectPath(u.page, '/connexion/code');
	await u.fill('Code', await freshCode(account));
	await u.press('Valider');
}

// Direct log-in for tests that only need a session (not a journey): enrols
// the second factor if the account has none yet. `page` is a Playwright page
// whose context has baseURL set to the instance.
async function signIn(page, lien, loginName) {
	const account = lien.accounts[loginName];
	assert.ok(account, `compte inconnu ${loginName}`);
	await page.goto('/connexion');
	await page.getByLabel('Identifiant', { exact: true }).fill(loginName);
	await page.getByLabel('Mot de passe', { exact: true }).fill(account.password);
	await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Se connecter' }).click()]);
	const p = pathOf(page);
	if (p === '/compte/double-authentification') {
		account.secret = (await page.locator('code.secret').innerText()).replace(/\s+/g, '');
		account.totpStep = undefined;
		await page.getByLabel('Code à 6 chiffres', { exact: true }).fill(await freshCode(account));
		await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Activer' }).click()]);
		account.recovery = await page.locator('ul.codes li code').allInnerTexts();
		await page.goto('/');
	} else if (p === '/connexion/code') {
		await page.getByLabel('Code', { exact: true }).fill(await freshCode(account));
		await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Valider' }).click()]);
	}
	await expectPath(page, '/', `connexion de ${loginName} : `);
	return page;
}

module.exports = { pathOf, text, expectPath, expectH1, flash, login, logout, enrolTotp, secondFactor, signIn };
