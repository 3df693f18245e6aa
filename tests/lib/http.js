'use strict';
/*
 * A bare HTTP client for the standalone suites (tests/matrix, tests/crash):
 * Node built-ins only, straight to 127.0.0.1, no connection reuse.
 */
const http = require('node:http');

function request(port, method, p, { cookie, body, type } = {}) {
	return new Promise((resolve, reject) => {
		const headers = {};
		if (cookie)
			headers.Cookie = cookie;
		if (body !== undefined) {
			headers['Content-Type'] = type || 'application/x-www-form-urlencoded';
			headers['Content-Length'] = Buffer.byteLength(body);
		}
		const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, agent: false }, (res) => {
			let data = '';
			res.setEncoding('utf8');
			res.on('data', (d) => { data += d; });
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
			res.on('error', reject);
		});
		req.on('error', reject);
		if (body !== undefined)
			req.write(body);
		req.end();
	});
}

const form = (o) => new URLSearchParams(o).toString();

function cookieOf(res, name) {
	for (const c of res.headers['set-cookie'] || []) {
		const m = new RegExp(`^${name}=([^;]*)`).exec(c);
		if (m)
			return m[1];
	}
	return null;
}

const csrfOf = (html) => (/name="csrf" value="([^"]+)"/.exec(html) || [])[1];

module.exports = { request, form, cookieOf, csrfOf };
