'use strict';
// axe-core with the WCAG 2.0 / 2.1 A and AA rules: zero violations allowed.
// The full report of a failing page is saved next to the screenshots.

const fs = require('node:fs');
const path = require('node:path');
const { AxeBuilder } = require('@axe-core/playwright');
const { ARTIFACTS } = require('./artifacts');

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

function describe(v) {
	const nodes = v.nodes.slice(0, 5).map((n) => {
		const summary = (n.failureSummary || '').replace(/\s+/g, ' ').replace(/^Fix (any|all) of the following: /, '');
		return `      ${n.target.join(' ')} : ${summary}\n        ${n.html.slice(0, 200)}`;
	});
	const more = v.nodes.length > 5 ? `\n      … et ${v.nodes.length - 5} autre(s)` : '';
	return `  [${v.id}] (${v.impact}) ${v.help} — ${v.helpUrl}\n${nodes.join('\n')}${more}`;
}

// Runs axe on the page as it is; throws an error listing the violations.
// Legacy mode runs axe in the page itself rather than finishing in a new
// blank page: twice as fast, and Lien pages have no frames.
async function assertAxe(page, name) {
	const results = await new AxeBuilder({ page }).withTags(TAGS).setLegacyMode(true).analyze();
	if (!results.violations.length)
		return results;
	const where = /^https?:/.test(page.url()) ? new URL(page.url()).pathname : 'la page';
	const err = new Error(`${results.violations.length} violation(s) axe sur ${where} : ${results.violations.map((v) => v.id).join(', ')}`);
	err.details = results.violations.map(describe).join('\n');
	if (name) { // the full report, next to the screenshots
		fs.mkdirSync(ARTIFACTS, { recursive: true });
		const file = path.join(ARTIFACTS, `axe-${name.replace(/[^a-z0-9-]+/gi, '_')}.json`);
		fs.writeFileSync(file, JSON.stringify({ url: page.url(), violations: results.violations }, null, 1));
		err.details += `\n  rapport : ${path.relative(process.cwd(), file)}`;
	}
	throw err;
}

module.exports = { assertAxe, TAGS };
