'use strict';
// A tiny sequential test harness. A test is an async function of the shared
// context; inside it, ctx.check(name, fn) records a separate result line
// without stopping the test (one line per page checked by axe, say).
//
// Output, one line per result:
//   ok   e2e: NAME
//   FAIL e2e: NAME — reason
//       (details, indented)
// and at the very end exactly one line "N passed, N failed".

const tests = [];

function test(name, fn, opts = {}) {
	if (typeof name !== 'string' || typeof fn !== 'function')
		throw new TypeError('test(name, fn)');
	tests.push({ name, fn, timeout: opts.timeout || 120000 });
}

function firstLine(err) {
	const msg = err && err.message ? err.message : String(err);
	// Playwright puts its call log after the first line: keep it for the details.
	const lines = msg.split('\n');
	return { head: lines[0].trim(), rest: lines.slice(1) };
}

function withTimeout(promise, ms, what) {
	let timer;
	const t = new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what}: délai dépassé (${ms / 1000} s)`)), ms);
	});
	return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

class Results {
	constructor(log = console.log) {
		this.passed = 0;
		this.failed = 0;
		this.names = new Set();
		this.failures = [];
		this.log = log;
	}
	unique(name) {
		let n = name, i = 2;
		while (this.names.has(n))
			n = `${name} (${i++})`;
		this.names.add(n);
		return n;
	}
	ok(name) {
		this.passed++;
		this.log(`ok   e2e: ${this.unique(name)}`);
	}
	fail(name, err) {
		this.failed++;
		const { head, rest } = firstLine(err);
		const n = this.unique(name);
		this.failures.push({ name: n, reason: head });
		this.log(`FAIL e2e: ${n} — ${head}`);
		const details = (err && err.details ? String(err.details).split('\n') : []).concat(rest);
		for (const l of details.filter((x) => x.trim()).slice(0, 40))
			this.log(`    ${l}`);
		if (process.env.E2E_STACK && err && err.stack)
			this.log(err.stack.split('\n').map((l) => `    ${l}`).join('\n'));
	}
}

// Runs every registered test whose name contains one of the filters
// (command-line arguments or E2E_ONLY, comma-separated), in order.
async function runAll(ctx, filters = []) {
	const results = new Results();
	ctx.check = async (name, fn) => {
		try {
			await fn();
			results.ok(name);
			return true;
		} catch (err) {
			results.fail(name, err);
			return false;
		}
	};
	const selected = tests.filter((t) => !filters.length || filters.some((f) => t.name.includes(f)));
	for (const t of selected) {
		const started = Date.now();
		try {
			await withTimeout(Promise.resolve().then(() => t.fn(ctx)), t.timeout, t.name);
			results.ok(t.name);
		} catch (err) {
			results.fail(t.name, err);
		}
		if (process.env.E2E_TIMING)
			console.log(`    (${t.name}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
	}
	return results;
}

module.exports = { test, tests, runAll, withTimeout, Results };
