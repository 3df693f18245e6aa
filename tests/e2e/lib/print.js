'use strict';
// Printing: what the print stylesheet hides, and the page as an A4 PDF.

const fs = require('node:fs');
const { pdfPageCount } = require('./pdf');
const { artifactPath } = require('./artifacts');

// The screen furniture that must not be printed.
const SCREEN_ONLY = ['.site-header', 'nav', '.site-footer', '.skip', 'form[action="/deconnexion"]'];

// With the print media emulated, lists the screen-only elements still shown.
async function printedScreenFurniture(page) {
	await page.emulateMedia({ media: 'print' });
	try {
		return await page.evaluate((sels) => {
			const shown = [];
			for (const sel of sels)
				for (const e of document.querySelectorAll(sel))
					if (getComputedStyle(e).display !== 'none')
						shown.push(sel);
			return shown;
		}, SCREEN_ONLY);
	} finally {
		await page.emulateMedia({ media: null });
	}
}

// Prints the page to an A4 PDF (saved as tests/artifacts/e2e/NAME.pdf) and
// returns { pdf, pages }.
async function printA4(page, name) {
	const pdf = await page.pdf({ format: 'A4', printBackground: false, preferCSSPageSize: true });
	if (name)
		fs.writeFileSync(artifactPath(`${name}.pdf`), pdf);
	return { pdf, pages: pdfPageCount(pdf) };
}

// A document handed to a person: no navigation, one A4 page. Returns
// { pdf, pages } (lib/pdf.js pdfText reads its text).
async function assertOneA4Page(page, name) {
	const shown = await printedScreenFurniture(page);
	if (shown.length)
		throw new Error(`imprimés alors qu'ils ne servent qu'à l'écran : ${shown.join(', ')}`);
	const printed = await printA4(page, name);
	if (printed.pages !== 1)
		throw new Error(`${printed.pages} pages A4 au lieu d'une (${name}.pdf)`);
	return printed;
}

module.exports = { SCREEN_ONLY, printedScreenFurniture, printA4, assertOneA4Page };
