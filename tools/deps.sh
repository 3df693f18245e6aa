#!/bin/sh
# Installs what Lien needs to build, run, test and benchmark on Debian 12,
# only when something is missing (a no-op otherwise).
set -e
PKGS="gcc make pkg-config libmicrohttpd-dev libsqlite3-dev libsodium-dev libqrencode-dev libgnutls28-dev
sqlite3 curl openssl ca-certificates chromium wrk nginx-light clang libclang-rt-14-dev
libcairo2-dev libpango1.0-dev fonts-dejavu-core poppler-utils
libcurl4-openssl-dev kannel kannel-extras python3-aiosmtpd libxlsxwriter-dev python3-openpyxl libcjson-dev
libpq-dev postgresql postgresql-client"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js: the machine's own (it brings npm); Debian's only when there is none.
command -v node >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
	echo "make deps: installation de :$missing"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# Browser-test libraries (no browser download: Debian's Chromium is used).
if [ ! -d tests/e2e/node_modules/playwright-core ] && [ -f tests/e2e/package.json ]; then
	echo "make deps: npm ci (tests/e2e)"
	(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
# JSON Schema validator for the services directory's export (tests/directory).
if [ ! -d tests/directory/node_modules/ajv ] && [ -f tests/directory/package.json ]; then
	echo "make deps: npm ci (tests/directory)"
	(cd tests/directory && npm ci --no-audit --no-fund --loglevel=error)
fi
exit 0
