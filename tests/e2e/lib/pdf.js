'use strict';
// Page count of a PDF made by Chromium: the page objects ("/Type /Page",
// not the "/Type /Pages" tree nodes). Chromium (Skia) writes them as plain
// objects, not inside compressed object streams; the /Count of the page tree
// root is given too, to cross-check.

function pdfPageCount(buffer) {
	const s = Buffer.isBuffer(buffer) ? buffer.toString('latin1') : String(buffer);
	if (!s.startsWith('%PDF-'))
		throw new Error('pas un PDF');
	if (/\/Type\s*\/ObjStm/.test(s))
		throw new Error('PDF à flux d’objets compressés : comptage impossible sans décompression');
	return (s.match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length;
}

// /Count of the page tree root (the largest /Count of a /Pages node).
function pdfDeclaredCount(buffer) {
	const s = Buffer.isBuffer(buffer) ? buffer.toString('latin1') : String(buffer);
	let max = 0;
	for (const m of s.matchAll(/\/Count\s+(\d+)/g))
		max = Math.max(max, Number(m[1]));
	return max;
}

module.exports = { pdfPageCount, pdfDeclaredCount };
