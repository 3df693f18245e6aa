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

// The text of a PDF as a reader would copy it, from its pages' content
// streams (Flate-compressed or not) and each font's /ToUnicode map: enough
// for the PDFs of Chromium (Skia: Type0 fonts, Identity-H) and of cairo
// (TrueType subsets, WinAnsi literal strings). Text moves (Td, Tm, T*) give
// line breaks, so compare with the spaces squashed (see pdfHasText).
// Kept simple on purpose: no encryption, no object streams, no Type3 fonts.
function pdfText(buffer) {
	const zlib = require('node:zlib');
	const bytes = Buffer.isBuffer(buffer) ? buffer : Buffer.from(buffer);
	const s = bytes.toString('latin1');
	if (!s.startsWith('%PDF-'))
		throw new Error('pas un PDF');
	if (/\/Type\s*\/ObjStm/.test(s))
		throw new Error('PDF à flux d’objets compressés : lecture du texte non prise en charge');
	// Objects: number -> { dict, stream (decoded Buffer or null) }.
	const objs = new Map();
	const re = /(\d+)\s+\d+\s+obj\b/g;
	let m;
	while ((m = re.exec(s))) {
		const start = m.index + m[0].length;
		const so = s.indexOf('stream', start);
		const eo = s.indexOf('endobj', start);
		if (eo < 0)
			break;
		let dict = s.slice(start, eo), stream = null;
		if (so >= 0 && so < eo) {
			dict = s.slice(start, so);
			let ds = so + 'stream'.length;
			if (s[ds] === '\r')
				ds++;
			if (s[ds] === '\n')
				ds++;
			const es = s.indexOf('endstream', ds);
			let raw = bytes.subarray(ds, es);
			if (/\/FlateDecode/.test(dict)) {
				try {
					raw = zlib.inflateSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
				} catch {
					raw = Buffer.alloc(0);
				}
			}
			stream = raw;
			re.lastIndex = s.indexOf('endobj', es) + 6;
		} else {
			re.lastIndex = eo + 6;
		}
		objs.set(Number(m[1]), { dict, stream });
	}
	const ref = (text, key) => {
		const r = new RegExp(`/${key}\\s+(\\d+)\\s+\\d+\\s+R`).exec(text);
		return r ? objs.get(Number(r[1])) : null;
	};
	const utf16 = (hex) => {
		let out = '';
		for (let i = 0; i + 4 <= hex.length; i += 4)
			out += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
		return out;
	};
	// A /ToUnicode CMap: { width (bytes per code), map: code -> text }.
	const cmap = (text) => {
		const map = new Map();
		const cs = /begincodespacerange\s*<([0-9a-fA-F]+)>/.exec(text);
		const width = cs ? cs[1].length / 2 : 2;
		for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
			for (const p of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>/g))
				map.set(parseInt(p[1], 16), utf16(p[2]));
		for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g))
			for (const p of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[[^\]]*\])/g)) {
				const lo = parseInt(p[1], 16), hi = parseInt(p[2], 16);
				if (p[3].startsWith('[')) {
					const list = [...p[3].matchAll(/<([0-9a-fA-F]*)>/g)].map((x) => utf16(x[1]));
					for (let c = lo; c <= hi && c - lo < list.length; c++)
						map.set(c, list[c - lo]);
				} else {
					const base = p[3].slice(1, -1);
					const last = parseInt(base.slice(-4), 16);
					for (let c = lo; c <= hi; c++)
						map.set(c, utf16(base.slice(0, -4)) + String.fromCharCode(last + c - lo));
				}
			}
		return { width, map };
	};
	// Font resource names -> decoding, from every /Font dictionary.
	const fonts = new Map();
	for (const o of objs.values()) {
		for (const fm of o.dict.matchAll(/\/Font\s*(?:<<([\s\S]*?)>>|(\d+)\s+\d+\s+R)/g)) {
			const body = fm[1] !== undefined ? fm[1] : (objs.get(Number(fm[2]))?.dict || '');
			for (const f of body.matchAll(/\/([^\s/<>[\]()]+)\s+(\d+)\s+\d+\s+R/g)) {
				const font = objs.get(Number(f[2]));
				const tu = font && ref(font.dict, 'ToUnicode');
				fonts.set(f[1], tu && tu.stream ? cmap(tu.stream.toString('latin1')) : { width: 1, map: new Map() });
			}
		}
	}
	const decode = (font, str) => {
		const f = font || { width: 1, map: new Map() };
		let out = '';
		for (let i = 0; i + f.width <= str.length; i += f.width) {
			let code = 0;
			for (let k = 0; k < f.width; k++)
				code = code * 256 + str.charCodeAt(i + k);
			out += f.map.has(code) ? f.map.get(code) : f.width === 1 ? String.fromCharCode(code) : '';
		}
		return out;
	};
	// Content streams of the pages, in the order of the page tree.
	const pages = [];
	const walk = (o, depth = 0) => {
		if (!o || depth > 20)
			return;
		if (/\/Type\s*\/Pages\b/.test(o.dict)) {
			const kids = /\/Kids\s*\[([^\]]*)\]/.exec(o.dict);
			for (const k of kids ? kids[1].matchAll(/(\d+)\s+\d+\s+R/g) : [])
				walk(objs.get(Number(k[1])), depth + 1);
		} else if (/\/Type\s*\/Page\b/.test(o.dict)) {
			pages.push(o);
		}
	};
	const catalog = [...objs.values()].find((o) => /\/Type\s*\/Catalog\b/.test(o.dict));
	walk(catalog && ref(catalog.dict, 'Pages'));
	const texts = [];
	for (const pg of pages) {
		const c = /\/Contents\s*(?:\[([^\]]*)\]|(\d+)\s+\d+\s+R)/.exec(pg.dict);
		const nums = c ? (c[1] !== undefined ? [...c[1].matchAll(/(\d+)\s+\d+\s+R/g)].map((x) => x[1]) : [c[2]]) : [];
		const content = nums.map((n) => (objs.get(Number(n))?.stream || Buffer.alloc(0)).toString('latin1')).join('\n');
		texts.push(contentText(content, (name) => fonts.get(name), decode));
	}
	return texts.join('\f');
}

// Runs the text operators of one content stream.
function contentText(c, fontOf, decode) {
	let out = '', font = null, i = 0;
	const stack = [];
	const ws = (ch) => ' \t\r\n\f\0'.includes(ch);
	const delim = (ch) => ws(ch) || '()<>[]{}/%'.includes(ch);
	const literal = () => { // at '('
		let depth = 1, str = '';
		i++;
		while (i < c.length && depth > 0) {
			const ch = c[i++];
			if (ch === '\\') {
				const e = c[i++];
				const esc = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };
				if (e in esc) str += esc[e];
				else if (/[0-7]/.test(e)) {
					let oct = e;
					while (oct.length < 3 && /[0-7]/.test(c[i])) oct += c[i++];
					str += String.fromCharCode(parseInt(oct, 8) & 255);
				} else if (e === '\r' || e === '\n') {
					if (e === '\r' && c[i] === '\n') i++;
				} else str += e;
			} else if (ch === '(') {
				depth++;
				str += ch;
			} else if (ch === ')') {
				if (--depth > 0) str += ch;
			} else str += ch;
		}
		return { str };
	};
	const hex = () => { // at '<'
		const end = c.indexOf('>', i);
		const h = c.slice(i + 1, end).replace(/\s+/g, '');
		i = end + 1;
		let str = '';
		for (let k = 0; k < h.length; k += 2)
			str += String.fromCharCode(parseInt((h.slice(k, k + 2) + '0').slice(0, 2), 16));
		return { str };
	};
	const token = () => {
		while (i < c.length && ws(c[i])) i++;
		if (i >= c.length) return null;
		const ch = c[i];
		if (ch === '%') {
			while (i < c.length && c[i] !== '\n' && c[i] !== '\r') i++;
			return token();
		}
		if (ch === '(') return literal();
		if (ch === '<' && c[i + 1] === '<') { i += 2; return { open: '<<' }; }
		if (ch === '>' && c[i + 1] === '>') { i += 2; return { close: '>>' }; }
		if (ch === '<') return hex();
		if (ch === '[') { i++; return { open: '[' }; }
		if (ch === ']') { i++; return { close: ']' }; }
		if (ch === '{' || ch === '}') { i++; return { other: ch }; }
		let j = i + 1;
		while (j < c.length && !delim(c[j])) j++;
		const word = c.slice(i, j);
		i = j;
		if (ch === '/') return { name: word.slice(1) };
		if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) return { num: Number(word) };
		return { op: word };
	};
	const newline = () => {
		if (out && !out.endsWith('\n')) out += '\n';
	};
	for (let t = token(); t; t = token()) {
		if (t.open) { stack.push(t); continue; }
		if (t.close) {
			const items = [];
			while (stack.length && !stack[stack.length - 1].open) items.unshift(stack.pop());
			stack.pop();
			stack.push(t.close === ']' ? { array: items } : { dict: true });
			continue;
		}
		if (!t.op) { stack.push(t); continue; }
		const args = stack.splice(0);
		switch (t.op) {
		case 'Tf':
			if (args[0] && args[0].name) font = fontOf(args[0].name);
			break;
		case 'Tj':
			if (args[0] && 'str' in args[0]) out += decode(font, args[0].str);
			break;
		case "'": case '"':
			newline();
			if (args.length && 'str' in args[args.length - 1]) out += decode(font, args[args.length - 1].str);
			break;
		case 'TJ':
			for (const it of (args[0] && args[0].array) || []) {
				if ('str' in it) out += decode(font, it.str);
				else if ('num' in it && it.num < -250 && !/\s$/.test(out)) out += ' ';
			}
			break;
		case 'Td': case 'TD': // a move down is a new line; along the line, nothing
			if (args[1] && args[1].num)
				newline();
			break;
		case 'Tm': case 'T*': case 'ET':
			newline();
			break;
		default:
			break;
		}
	}
	return out;
}

// Whether the PDF's text contains `needle`, spaces and line breaks aside.
function pdfHasText(text, needle) {
	const squash = (x) => x.normalize('NFKC').replace(/\s+/g, ''); // NFKC: the ﬁ ligature is fi
	return squash(text).includes(squash(needle));
}

module.exports = { pdfPageCount, pdfDeclaredCount, pdfText, pdfHasText };
