'use strict';
// Reflow (WCAG 1.4.10): no horizontal scrolling at 320 CSS px wide (1280 px
// at 400 %) nor at 640 px (1280 px at 200 %).

async function assertNoHorizontalScroll(page) {
	const m = await page.evaluate(() => {
		const de = document.documentElement;
		// The widest elements that stick out, to name the culprit.
		const out = [];
		for (const el of document.body.querySelectorAll('*')) {
			const r = el.getBoundingClientRect();
			if (r.right > de.clientWidth + 0.5 && r.width > 0) {
				const s = getComputedStyle(el);
				if (s.position === 'absolute' && r.right <= 0)
					continue;
				out.push(`<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\s+/g, '.') : ''}> droite ${Math.round(r.right)} px`);
			}
		}
		return { scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, out: out.slice(0, 8) };
	});
	if (m.scrollWidth > m.clientWidth) {
		const err = new Error(`défilement horizontal : scrollWidth ${m.scrollWidth} > clientWidth ${m.clientWidth}`);
		err.details = m.out.join('\n');
		throw err;
	}
}

module.exports = { assertNoHorizontalScroll };
