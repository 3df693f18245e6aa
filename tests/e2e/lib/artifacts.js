'use strict';
// Where screenshots, PDFs and reports go: tests/artifacts/e2e/.

const fs = require('node:fs');
const path = require('node:path');

const ARTIFACTS = path.resolve(__dirname, '..', '..', 'artifacts', 'e2e');

function artifactPath(name) {
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	return path.join(ARTIFACTS, name);
}

async function screenshot(page, name) {
	await page.screenshot({ path: artifactPath(`${name}.png`), fullPage: true });
}

module.exports = { ARTIFACTS, artifactPath, screenshot };
