'use strict';
// Page weight: bytes received for the page (HTML, CSS, scripts, images), as
// transferred (headers + body as encoded on the wire), from the Resource
// Timing entries of the document. Meaningful only with the HTTP cache off
// (see disableCache), else cached CSS and scripts count 0.

const LIMIT = 50 * 1024;

async function disableCache(page) {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
	return cdp;
}

async function pageWeight(page) {
	return page.evaluate(() => {
		const parts = [];
		const nav = performance.getEntriesByType('navigation')[0];
		if (nav)
			parts.push({ url: location.pathname, bytes: nav.transferSize, type: 'document' });
		for (const r of performance.getEntriesByType('resource'))
			parts.push({ url: new URL(r.name).pathname, bytes: r.transferSize, type: r.initiatorType });
		return { total: parts.reduce((a, p) => a + p.bytes, 0), parts };
	});
}

// Throws if the page weighs more than `limit`; `record`, if given, receives
// the measure (run.js writes them all to tests/artifacts/e2e/poids.json).
async function assertPageWeight(page, { limit = LIMIT, record, name } = {}) {
	const w = await pageWeight(page);
	if (record)
		record.push({ page: name || new URL(page.url()).pathname, ...w });
	const list = w.parts.map((p) => `${p.url} ${p.bytes} o`).join(', ');
	if (!w.parts.length || w.parts.some((p) => p.bytes === 0))
		throw new Error(`poids non mesurable (ressource servie par le cache ?) : ${list}`);
	if (w.total > limit)
		throw new Error(`${w.total} octets transférés > ${limit} : ${list}`);
	return w;
}

module.exports = { disableCache, pageWeight, assertPageWeight, LIMIT };
