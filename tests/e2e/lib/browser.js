'use strict';
// Debian's Chromium, driven by playwright-core: never a downloaded browser.
// Playwright gives every launch a new, empty profile (--user-data-dir in a
// temporary folder, removed on close). Without the background-networking
// flags Chromium tries to reach Google's hosts, which this network refuses.

const fs = require('node:fs');
const { chromium } = require('playwright-core');

const ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];

async function launchBrowser() {
	const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
	if (!fs.existsSync(executablePath))
		throw new Error(`Chromium introuvable : ${executablePath} (apt-get install chromium, ou make deps)`);
	return chromium.launch({ executablePath, headless: true, args: ARGS, timeout: 60000 });
}

module.exports = { launchBrowser, ARGS };
