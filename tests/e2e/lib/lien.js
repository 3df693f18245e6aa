'use strict';
// Starts Lien on a fresh database: `lien init`, `lien demo`, then
// `lien serve --listen 127.0.0.1:0`, reading the port from its first line.
// Each instance remembers the demo accounts (password, TOTP secret, last
// TOTP step used) so that helpers can log in whatever happened before.

const { spawn, execFileSync } = require('node:child_process');
// On PostgreSQL when LIEN_TEST_PG is set (tests/lib/backend.js).
const { lienArgs } = require('../../lib/backend');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');

function lienBin() {
	const bin = process.env.LIEN_BIN || 'build/lien';
	return path.isAbsolute(bin) ? bin : path.join(ROOT, bin);
}

// The demo accounts created by `lien demo` (src/cmd/demo.c).
function demoAccounts() {
	return {
		'accueil.demo': { password: 'Tournesol-Bleu-2026', name: 'Nadia Benali', role: 'accueil' },
		'travailleur.demo': { password: 'Lavande-Verte-2026', name: 'Élodie Marchand-Lefèvre', role: 'travailleur_social' },
		'mediateur.demo': { password: 'Cerisier-Rose-2026', name: 'Karim Ould-Ahmed', role: 'travailleur_social', totp: true },
		'responsable.demo': { password: 'Peuplier-Gris-2026', name: 'Françoise Le Gall', role: 'responsable', totp: true },
	};
}

class Lien {
	constructor(name) {
		this.name = name;
		this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `lien-e2e-${name}-`));
		this.db = path.join(this.dir, 't.db');
		this.proc = null;
		this.url = null;
		this.stderr = '';
		this.accounts = demoAccounts();
	}

	cli(...args) {
		return execFileSync(lienBin(), lienArgs([...args, '--db', this.db]), {
			cwd: ROOT,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
			timeout: 60000,
		});
	}

	async start() {
		this.cli('init');
		this.cli('demo');
		// A login delay of 0 s would hide the throttling; keep the default.
		const proc = spawn(lienBin(), lienArgs(['serve', '--db', this.db, '--listen', '127.0.0.1:0']), {
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' },
		});
		this.proc = proc;
		proc.stderr.setEncoding('utf8');
		proc.stderr.on('data', (d) => {
			this.stderr += d;
			if (this.stderr.length > 200000)
				this.stderr = this.stderr.slice(-100000);
		});
		this.url = await new Promise((resolve, reject) => {
			let out = '';
			const timer = setTimeout(() => reject(new Error(`lien serve (${this.name}) : pas d'adresse après 30 s\n${this.stderr}`)), 30000);
			proc.stdout.setEncoding('utf8');
			proc.stdout.on('data', (d) => {
				out += d;
				const m = out.match(/Lien écoute sur (https?:\/\/127\.0\.0\.1:\d+)\//);
				if (m) {
					clearTimeout(timer);
					resolve(m[1]);
				}
			});
			proc.on('exit', (code, sig) => {
				clearTimeout(timer);
				reject(new Error(`lien serve (${this.name}) s'est arrêté (code ${code}, signal ${sig})\n${this.stderr}`));
			});
		});
		proc.removeAllListeners('exit');
		proc.on('exit', (code, sig) => {
			this.exited = { code, sig };
		});
		return this;
	}

	// Whether the server died (a sanitizer report, a crash) since it started.
	health() {
		if (this.exited)
			return `le serveur ${this.name} s'est arrêté (code ${this.exited.code}, signal ${this.exited.sig})`;
		if (/ERROR: AddressSanitizer|runtime error:|LeakSanitizer/.test(this.stderr))
			return `le serveur ${this.name} a signalé une erreur mémoire :\n${this.stderr.slice(-3000)}`;
		return null;
	}

	async stop() {
		const p = this.proc;
		this.proc = null;
		if (p && !this.exited) {
			const done = new Promise((r) => p.once('exit', r));
			p.kill('SIGTERM');
			const t = setTimeout(() => p.kill('SIGKILL'), 5000);
			await done;
			clearTimeout(t);
		}
		if (!process.env.E2E_KEEP)
			fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

async function startLien(name) {
	const l = new Lien(name);
	await l.start();
	return l;
}

module.exports = { startLien, lienBin, ROOT };
