'use strict';
// TOTP (RFC 6238) from a base32 secret, with node:crypto's HMAC-SHA1, the
// way an authenticator application computes it.

const crypto = require('node:crypto');

const PERIOD = 30;

function base32Decode(text) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	const clean = String(text).toUpperCase().replace(/[\s=-]/g, '');
	let bits = 0, value = 0;
	const out = [];
	for (const ch of clean) {
		const v = alphabet.indexOf(ch);
		if (v < 0)
			throw new Error(`caractère base32 invalide : ${JSON.stringify(ch)}`);
		value = (value << 5) | v;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

function hotp(key, counter, digits = 6, algo = 'sha1') {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(counter));
	const h = crypto.createHmac(algo, key).update(msg).digest();
	const off = h[h.length - 1] & 0x0f;
	const bin = ((h[off] & 0x7f) << 24) | (h[off + 1] << 16) | (h[off + 2] << 8) | h[off + 3];
	return String(bin % 10 ** digits).padStart(digits, '0');
}

function stepAt(ms = Date.now()) {
	return Math.floor(ms / 1000 / PERIOD);
}

function totp(secretBase32, step = stepAt()) {
	return hotp(base32Decode(secretBase32), step);
}

// A code the server has not seen yet: Lien refuses a step already used
// (replay). The server accepts one step of clock drift either way (RFC 6238
// §5.2, src/core/totp.c), so the step after the current one is taken at once
// rather than waiting up to 30 s; further ahead than that, wait.
// `account.totpStep` remembers the last step used.
async function freshCode(account) {
	for (;;) {
		const now = stepAt();
		const want = Math.max(now, (account.totpStep ?? -1) + 1);
		if (want <= now + 1) {
			account.totpStep = want;
			return totp(account.secret, want);
		}
		const wait = (now + 1) * PERIOD * 1000 - Date.now() + 200;
		await new Promise((r) => setTimeout(r, Math.max(wait, 50)));
	}
}

module.exports = { base32Decode, hotp, totp, stepAt, freshCode, PERIOD };
