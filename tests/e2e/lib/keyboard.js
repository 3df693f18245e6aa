'use strict';
// Keyboard helpers: where the focus is, whether it can be seen, moving it
// with Tab / Shift+Tab only, and walking a whole page's tab order.

// Describes the focused element and whether its focus indicator is visible:
// a computed outline (style not none, width > 0) or a box-shadow, on an
// element of real size inside the viewport.
async function focusInfo(page) {
	return page.evaluate(() => {
		const el = document.activeElement;
		if (!el || el === document.body || el === document.documentElement)
			return { none: true, desc: '(aucun élément : body)' };
		const tag = el.tagName.toLowerCase();
		const name = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 50);
		const desc = `<${tag}${el.id ? ` id="${el.id}"` : ''}${el.className && typeof el.className === 'string' ? ` class="${el.className}"` : ''}${el.getAttribute('href') ? ` href="${el.getAttribute('href')}"` : ''}>${name ? ` « ${name} »` : ''}`;
		const s = getComputedStyle(el);
		let outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
		const shadow = !!s.boxShadow && s.boxShadow !== 'none';
		// A date or time field whose calendar button (inside the field, in
		// Chromium's shadow tree) has the focus: the field is the active
		// element, :focus-within but neither :focus nor :focus-visible, so
		// the page's focus style does not apply; Chromium draws its own thin
		// ring around the button, which the page cannot measure. Counted as
		// visible here; `picker` tells it (checks/dossier.js asks for Lien's
		// focus style there).
		const picker = tag === 'input' && /^(date|datetime-local|time|month|week)$/.test(el.type) &&
			el.matches(':focus-within') && !el.matches(':focus') && !el.matches(':focus-visible');
		if (picker && !outline && !shadow)
			outline = true;
		const r = el.getBoundingClientRect();
		const sized = r.width > 2 && r.height > 2;
		const inView = r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
		const main = document.getElementById('contenu');
		return {
			none: false,
			desc: picker ? `${desc} (bouton calendrier)` : desc,
			tag,
			isSkip: el.classList.contains('skip'),
			inMain: !!(main && main.contains(el) && main !== el),
			isMain: el === main,
			picker,
			visible: (outline || shadow) && sized && inView,
			why: !(outline || shadow) ? `ni outline ni box-shadow (outline ${s.outlineStyle} ${s.outlineWidth}, box-shadow ${s.boxShadow})`
				: !sized ? `taille ${r.width}×${r.height}` : !inView ? `hors de l'écran (${Math.round(r.left)},${Math.round(r.top)})` : '',
		};
	});
}

async function assertFocusVisible(page, where = '') {
	const f = await focusInfo(page);
	if (f.none)
		throw new Error(`${where}focus perdu (sur body)`);
	if (!f.visible)
		throw new Error(`${where}focus invisible sur ${f.desc} : ${f.why}`);
	return f;
}

// Relative position of the focused element and `handle`: 'here', 'after'
// (target after the focus) or 'before'.
async function whereIs(page, handle) {
	return page.evaluate((t) => {
		const a = document.activeElement;
		if (a === t)
			return 'here';
		if (!a || a === document.body)
			return 'after';
		if (a.contains(t))
			return 'after';
		return a.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING ? 'after' : 'before';
	}, handle);
}

// Moves the focus to `locator` with Tab or Shift+Tab, checking the focus
// indicator after every key press. Throws if the element cannot be reached.
async function tabTo(page, locator, { max = 120, log } = {}) {
	const handle = await locator.elementHandle();
	let last = null, flips = 0;
	for (let i = 0; i <= max; i++) {
		const pos = await whereIs(page, handle);
		if (pos === 'here')
			return;
		if (last && pos !== last && ++flips > 2)
			break; // oscillating around it: it is not a tab stop
		last = pos;
		const key = pos === 'after' ? 'Tab' : 'Shift+Tab';
		await page.keyboard.press(key);
		const f = await assertFocusVisible(page, `après ${key} : `);
		if (log)
			log(`${key} → ${f.desc}`);
	}
	const desc = await handle.evaluate((e) => e.outerHTML.slice(0, 160));
	throw new Error(`élément inatteignable au clavier : ${desc}`);
}

// Presses Tab from the top of a freshly loaded page through its whole tab
// order until the focus comes back to the first stop. Checks that the first
// stop is the skip link, that every stop shows its focus and that there is no
// trap (the walk comes back). Leaves the focus on the skip link. Returns the
// list of stops.
//   fromAnywhere: the walk may start elsewhere than at the top (a page
//     reached at an anchor, /personnes/7#journal: Chromium starts the
//     sequential navigation at the anchor); Tab first goes round to the skip
//     link, every stop on the way checked the same.
//   skipLink: false for a page with no repeated blocks before its content
//     (a document to print): the first stop is then any element, and the
//     walk ends when the focus comes back to it.
async function walkTabOrder(page, { max = 200, fromAnywhere = false, skipLink = true } = {}) {
	const stops = [];
	const next = async () => {
		await page.keyboard.press('Tab');
		let f = await focusInfo(page);
		if (f.none) {
			// Chromium leaves the document after the last stop, then comes back.
			await page.keyboard.press('Tab');
			f = await focusInfo(page);
		}
		return f;
	};
	let f;
	if (fromAnywhere && skipLink) {
		for (let i = 0; ; i++) {
			f = await next();
			if (f.isSkip)
				break;
			if (i >= max)
				throw new Error(`lien d'évitement jamais atteint en ${max} tabulations (dernier : ${f.desc})`);
			if (!f.visible)
				throw new Error(`focus invisible sur ${f.desc} : ${f.why}`);
		}
	} else {
		await page.keyboard.press('Tab');
		f = await focusInfo(page);
	}
	if (f.none)
		throw new Error('1re tabulation : focus perdu (sur body)');
	if (!f.visible)
		throw new Error(`1re tabulation : focus invisible sur ${f.desc} : ${f.why}`);
	if (skipLink && !f.isSkip)
		throw new Error(`le premier arrêt de tabulation n'est pas le lien d'évitement mais ${f.desc}`);
	const first = await page.evaluateHandle(() => document.activeElement);
	const isFirst = () => page.evaluate((e) => document.activeElement === e, first);
	stops.push(f.desc);
	for (let i = 0; i < max; i++) {
		f = await next();
		if (skipLink ? f.isSkip : await isFirst())
			return stops;
		if (!f.visible)
			throw new Error(`focus invisible sur ${f.desc} (arrêt n° ${stops.length + 1}) : ${f.why}`);
		stops.push(f.desc);
	}
	throw new Error(`piège au clavier : ${max} tabulations sans revenir au début (dernier : ${f.desc})`);
}

module.exports = { focusInfo, assertFocusVisible, tabTo, walkTabOrder };
