'use strict';
// Journey 5: the reports (issue 7), with the keyboard alone.
//
// The head of service (responsable.demo: the second factor is enrolled at
// the first login with the TOTP helper):
//  - opens « Rapports » from the menu with the keyboard, recomputes the
//    report for the previous calendar month with the period form;
//  - axe (WCAG 2.1 A/AA) on the report, the baromètre and the export form
//    (empty and refused too);
//  - every chart is hidden from assistive technologies (aria-hidden,
//    focusable="false") and the table that follows it carries the same
//    figures, with a caption;
//  - downloads the XLSX through its link (Enter) and opens it with openpyxl:
//    bold headers, the page's totals with small counts masked, numbers as
//    numbers;
//  - prints the report page: one or more A4 pages, no navigation, the
//    download links and the forms not printed, no table wider than the
//    printed page, every table's title and every total in the PDF's text;
//  - goes to the baromètre through its link, picks one worker in the list;
//  - goes to the funders' export through its link: sends it with no column
//    first (422, error announced, nothing checked again), then ticks the
//    columns and the CSV format with the keyboard and downloads the file:
//    UTF-8 with a BOM, the columns in the list's order, one line per person
//    seen, pseudonyms only, figures adding up to the report's totals.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { test } = require('../lib/harness');
const { asActor, VIEWPORT } = require('../lib/actor');
const { assertAxe } = require('../lib/a11y');
const { printA4, printedScreenFurniture } = require('../lib/print');
const { pdfText, pdfHasText } = require('../lib/pdf');
const { artifactPath } = require('../lib/artifacts');
const s = require('../lib/steps');

const LOGIN = 'responsable.demo';
const WORKER_NAME = 'Élodie Marchand-Lefèvre';

const masked = (n) => (n > 0 && n < 5 ? '< 5' : n);

// The previous calendar month on the server's clock (Europe/Paris):
// { fr: 'JJ/MM/AAAA' first day, iso: [first, last] }.
function previousMonth() {
	const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' })
		.formatToParts(new Date()).map((x) => [x.type, x.value]));
	let y = Number(p.year), m = Number(p.month) - 1;
	if (m === 0) {
		y--;
		m = 12;
	}
	const mm = String(m).padStart(2, '0');
	const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
	return { fr: `01/${mm}/${y}`, iso: [`${y}-${mm}-01`, `${y}-${mm}-${last}`] };
}

// A CSV with ';' and every field quoted, CRLF lines.
function parseCsv(text) {
	const rows = [];
	let row = [], field = '', quoted = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (ch === '"') {
				quoted = false;
			} else {
				field += ch;
			}
		} else if (ch === '"') {
			quoted = true;
		} else if (ch === ';') {
			row.push(field);
			field = '';
		} else if (ch === '\r' && text[i + 1] === '\n') {
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
			i++;
		} else {
			field += ch;
		}
	}
	assert.ok(!quoted && !field && !row.length, 'CSV : la dernière ligne finit par CRLF');
	return rows;
}

// An XLSX read with openpyxl: per row, values, types and bold.
function openXlsx(file) {
	const script = [
		'import json, sys, openpyxl',
		'ws = openpyxl.load_workbook(sys.argv[1]).active',
		'rows = []',
		'for row in ws.iter_rows():',
		'    rows.append(None if all(c.value is None for c in row) else',
		'                {"v": [c.value for c in row], "t": [c.data_type for c in row], "b": [bool(c.font and c.font.b) for c in row]})',
		'print(json.dumps(rows))',
	].join('\n');
	const r = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8', timeout: 30000 });
	assert.equal(r.status, 0, `openpyxl n'ouvre pas ${file} : ${r.stderr}`);
	return JSON.parse(r.stdout);
}

// The report page's totals and tables, as the tables show them.
async function reportOnPage(page) {
	return page.evaluate(() => {
		const rows = (table) => [...table.querySelectorAll('tbody tr')].map((tr) => ({
			label: tr.querySelector('th').textContent.trim(),
			n: Number(tr.querySelectorAll('td')[0].textContent),
			prev: Number(tr.querySelectorAll('td')[1].textContent),
		}));
		const totals = rows(document.querySelector('main table.list'));
		const tables = [...document.querySelectorAll('section.report-table')].map((sec) => {
			const svg = sec.querySelector('svg');
			const table = sec.querySelector('table');
			// The chart's bars: a label (anchored at its end) then the figure.
			const texts = svg ? [...svg.querySelectorAll('text')] : [];
			const chart = [];
			for (let i = 0; i + 1 < texts.length; i++)
				if (texts[i].getAttribute('text-anchor') === 'end')
					chart.push({ label: texts[i].textContent.trim(), n: Number(texts[i + 1].textContent) });
			return {
				title: sec.querySelector('h3').textContent.trim(),
				svg: svg ? { hidden: svg.getAttribute('aria-hidden'), focusable: svg.getAttribute('focusable') } : null,
				caption: table && table.querySelector('caption') ? table.querySelector('caption').textContent.trim() : '',
				chart,
				rows: table ? rows(table) : [],
			};
		});
		return { totals, tables };
	});
}

test('parcours rapports (clavier : rapport, baromètre, export pour les financeurs, téléchargements, impression)', async (ctx) => {
	const lien = await ctx.instance('rapports');
	const account = lien.accounts[LOGIN];
	const journey = 'rapports';
	const period = previousMonth();
	await asActor(ctx, { lien, mode: 'clavier', journey }, async (u) => {
		const page = u.page;
		const axe = (name) => ctx.check(`axe (WCAG 2.1 A/AA) : ${journey} › ${name}`, () => assertAxe(page, `${journey}-${name}`));

		// First login: password, then the second factor is enrolled.
		await u.open('/connexion');
		await s.login(u, LOGIN, account.password);
		await s.expectPath(page, '/compte/double-authentification', 'première connexion : ');
		await s.enrolTotp(u, account);
		await u.follow('Continuer vers l\'accueil');
		await s.expectPath(page, '/');

		// 1. The activity report, from the menu, with the keyboard.
		const nav = page.getByRole('navigation', { name: 'Navigation principale' });
		await u.follow('Rapports', { scope: nav });
		await s.expectPath(page, '/rapports/activite');
		await s.expectH1(page, /^Rapport d'activité$/);
		await u.fill('Du (JJ/MM/AAAA)', period.fr);
		await u.press('Calculer');
		await s.expectPath(page, '/rapports/activite');
		assert.equal(await s.text(page, 'main h2'), `Du ${period.iso[0]} au ${period.iso[1]}`, 'la période calculée');
		await u.reached('rapport');
		await axe('rapport');
		const report = await reportOnPage(page);
		const total = (label) => {
			const t = report.totals.find((x) => x.label === label);
			assert.ok(t, `total « ${label} » sur la page`);
			return t;
		};
		assert.ok(total('Personnes reçues').n > 0, 'des personnes reçues le mois précédent (données de démonstration)');

		await ctx.check('rapport : graphiques masqués aux technologies d\'assistance, mêmes chiffres dans les tableaux', async () => {
			assert.ok(report.tables.length >= 15, `tous les tableaux du rapport (${report.tables.length})`);
			for (const t of report.tables) {
				assert.ok(t.svg, `graphique de « ${t.title} »`);
				assert.equal(t.svg.hidden, 'true', `aria-hidden sur le graphique de « ${t.title} »`);
				assert.equal(t.svg.focusable, 'false', `focusable="false" sur le graphique de « ${t.title} »`);
				assert.ok(t.caption.startsWith(t.title), `légende du tableau « ${t.title} » : ${t.caption}`);
				assert.deepEqual(t.chart, t.rows.map((r) => ({ label: r.label, n: r.n })), `graphique et tableau de « ${t.title} »`);
			}
			// Nothing of the charts reaches the accessibility tree.
			const exposed = await page.locator('svg.chart').evaluateAll((svgs) => svgs.filter((e) => e.closest('[aria-hidden="true"]') !== e).length);
			assert.equal(exposed, 0, 'graphiques exposés');
		});

		// 2. The XLSX, through its link (Enter).
		await ctx.check('rapport : le XLSX téléchargé par le lien s\'ouvre (openpyxl), en-têtes en gras, chiffres masqués et nombres', async () => {
			const link = u.link('tableur Excel ou LibreOffice (XLSX)');
			await u.focus(link);
			const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
			assert.equal(download.suggestedFilename(), `rapport-activite-${period.iso[0]}-${period.iso[1]}.xlsx`);
			const file = artifactPath(`${journey}-rapport.xlsx`);
			fs.copyFileSync(await download.path(), file);
			const rows = openXlsx(file);
			assert.equal(rows[0].v[0], 'Rapport d\'activité', 'titre');
			const heads = rows.filter((r) => r && r.v[1] === 'Période');
			assert.equal(heads.length, 1 + report.tables.filter((t) => t.rows.length).length, 'un en-tête par tableau non vide, totaux compris');
			for (const h of heads)
				assert.ok(h.b.slice(0, 3).every(Boolean), `en-tête « ${h.v[0]} » en gras`);
			const start = rows.indexOf(heads[0]);
			for (const [i, t] of report.totals.entries()) {
				const r = rows[start + 1 + i];
				assert.equal(r.v[0], t.label, 'ligne des totaux');
				assert.deepEqual([r.v[1], r.v[2]], [masked(t.n), masked(t.prev)], `« ${t.label} » (masqué de 1 à 4)`);
				assert.deepEqual([r.t[1], r.t[2]], [typeof masked(t.n) === 'number' ? 'n' : 's', typeof masked(t.prev) === 'number' ? 'n' : 's'],
					`« ${t.label} » : nombres en nombres`);
				assert.ok(!r.b[0], 'lignes de chiffres sans gras');
			}
		});

		// 3. Printed: one or more A4 pages, nothing clipped.
		await ctx.check('impression : le rapport sur une ou plusieurs pages A4, sans navigation ni tableau coupé', async () => {
			assert.deepEqual(await printedScreenFurniture(page), [], 'éléments d\'écran imprimés');
			await page.emulateMedia({ media: 'print' });
			// The printable width of A4 with the page's 18 mm margins: 174 mm.
			await page.setViewportSize({ width: Math.floor(174 / 25.4 * 96), height: 1000 });
			try {
				const m = await page.evaluate(() => {
					const width = document.documentElement.clientWidth;
					const out = [];
					for (const t of document.querySelectorAll('main table, main svg.chart')) {
						const r = t.getBoundingClientRect();
						if (r.right > width + 0.5 || r.left < -0.5 || (t.tagName === 'TABLE' && t.scrollWidth > t.clientWidth + 1))
							out.push(`${t.tagName.toLowerCase()} « ${(t.querySelector('caption') || t.closest('section')?.querySelector('h3') || t).textContent.trim().slice(0, 60)} » : ${Math.round(r.left)}–${Math.round(r.right)} px pour ${width}`);
					}
					const hidden = [...document.querySelectorAll('main .no-print, main form')].filter((e) => getComputedStyle(e).display !== 'none').length;
					return { out, hidden, tables: document.querySelectorAll('main table').length };
				});
				assert.equal(m.tables, report.tables.length + 1, 'les totaux et chaque tableau imprimés');
				assert.deepEqual(m.out, [], 'tableaux plus larges que la page');
				assert.equal(m.hidden, 0, 'liens de téléchargement et formulaire imprimés');
			} finally {
				await page.setViewportSize(VIEWPORT);
				await page.emulateMedia({ media: null });
			}
			const { pdf, pages } = await printA4(page, `${journey}-rapport-imprime`);
			assert.ok(pages >= 1, `${pages} page(s)`);
			const text = pdfText(pdf);
			assert.ok(pdfHasText(text, 'Rapport d\'activité'), 'titre imprimé');
			assert.ok(!pdfHasText(text, 'tableur Excel ou LibreOffice'), 'liens de téléchargement non imprimés');
			for (const t of report.tables)
				assert.ok(pdfHasText(text, t.title), `tableau « ${t.title} » imprimé`);
			for (const t of report.totals)
				assert.ok(pdfHasText(text, t.label), `total « ${t.label} » imprimé`);
			const last = report.tables[report.tables.length - 1];
			if (last.rows.length)
				assert.ok(pdfHasText(text, last.rows[last.rows.length - 1].label), 'la dernière ligne du dernier tableau est imprimée');
		});

		// 4. The baromètre, through its link; then one worker.
		await u.follow('le baromètre de l\'équipe');
		await s.expectPath(page, '/rapports/barometre');
		await s.expectH1(page, /^Baromètre de l'équipe$/);
		await u.reached('barometre');
		await axe('barometre');
		await ctx.check('baromètre : graphique masqué, douze mois dans le tableau', async () => {
			assert.equal(await page.locator('svg.chart[aria-hidden="true"][focusable="false"]').count(), 1, 'graphique aria-hidden');
			assert.equal(await page.locator('main table tbody tr').count(), 12, 'douze mois');
		});
		await u.select('Pour', WORKER_NAME);
		await u.press('Afficher');
		await s.expectPath(page, '/rapports/barometre');
		assert.match(new URL(page.url()).search, /^\?pro=\d+$/, 'le professionnel choisi');
		assert.equal(await page.locator('#pro option:checked').innerText(), WORKER_NAME, 'le professionnel reste choisi');
		await u.reached('barometre-professionnel');
		await axe('barometre-professionnel');

		// 5. The funders' export, through its link.
		await u.open('/rapports/activite');
		await u.follow('l\'export d\'une ligne par personne pour les financeurs');
		await s.expectPath(page, '/rapports/export');
		await s.expectH1(page, /^Export pour les financeurs$/);
		await u.reached('export');
		await axe('export');
		const boxes = page.locator('input[name="colonnes"]');
		assert.equal(await boxes.count(), 13, 'treize colonnes au choix');
		for (const label of ['Tranche d\'âge', 'Sexe', 'Commune', 'Nombre d\'échanges'])
			await u.check(label, false);
		let res = await u.press('Télécharger');
		assert.equal(res.status(), 422, 'aucune colonne : formulaire refusé');
		assert.match(await page.title(), /^Erreur – /, 'titre de page en erreur');
		const summary = page.locator('.error-summary[role="alert"]');
		assert.equal(await summary.locator('a[href="#colonnes"]').count(), 1, 'le récapitulatif mène aux colonnes');
		assert.match(await page.locator('#colonnes-erreur').innerText(), /au moins une colonne/);
		assert.equal(await page.locator('input[name="colonnes"]:checked').count(), 0, 'rien n\'est coché à nouveau');
		await u.reached('export-erreur');
		await axe('export-erreur');

		for (const label of ['Commune', 'Tranche d\'âge', 'Nombre d\'échanges', 'Temps passé (minutes)'])
			await u.check(label);
		// The format: Tab reaches the chosen radio button, the arrows move the choice.
		await u.focus(page.locator('input[name="format"]:checked'));
		assert.equal(await page.locator('input[name="format"]:checked').getAttribute('value'), 'xlsx', 'XLSX choisi par défaut');
		await page.keyboard.press('ArrowDown');
		assert.equal(await page.getByLabel('CSV', { exact: true }).isChecked(), true, 'CSV choisi avec la flèche');
		await ctx.check('export pour les financeurs : le CSV téléchargé par le formulaire', async () => {
			await u.focus(u.button('Télécharger'));
			const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Space')]);
			assert.equal(download.suggestedFilename(), 'export-personnes.csv');
			const bytes = fs.readFileSync(await download.path());
			fs.writeFileSync(artifactPath(`${journey}-export.csv`), bytes);
			assert.equal(bytes.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 avec BOM');
			const [head, ...lines] = parseCsv(bytes.subarray(3).toString('utf8'));
			assert.deepEqual(head, ['Pseudonyme', 'Tranche d\'âge', 'Commune', 'Nombre d\'échanges', 'Temps passé (minutes)'], 'colonnes dans l\'ordre de la liste');
			assert.equal(lines.length, total('Personnes reçues').n, 'une ligne par personne reçue');
			for (const l of lines)
				assert.match(l[0], /^P-[0-9a-f]{10}$/, 'pseudonyme');
			assert.equal(new Set(lines.map((l) => l[0])).size, lines.length, 'pseudonymes distincts');
			assert.equal(lines.reduce((a, l) => a + Number(l[3]), 0), total('Échanges notés').n, 'les échanges font le total du rapport');
			assert.equal(lines.reduce((a, l) => a + Number(l[4]), 0), total('Temps passé avec ou pour les personnes (minutes)').n, 'les minutes font le total du rapport');
			// A commune or an age band shared by fewer than five people is « Autre ».
			for (const col of [1, 2]) {
				const n = new Map();
				for (const l of lines)
					n.set(l[col], (n.get(l[col]) || 0) + 1);
				for (const [v, k] of n)
					assert.ok(v === 'Autre' || k >= 5, `« ${v} » partagé par ${k} personne(s) seulement`);
			}
		});
		await s.expectPath(page, '/rapports/export');
	});
});
