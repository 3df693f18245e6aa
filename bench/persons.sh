#!/bin/sh
# Persons benchmark (issue 3): on a database of 100,000 people and 2,000,000
# journal entries, the server-side time of a name search, of a file page
# (with its 50 latest entries) and of logging an entry (with its audit row,
# synchronous=FULL). The database is generated once with `lien demo` and
# kept in var/bench-persons.db (several minutes the first time).
#
#   sh bench/persons.sh        (after make lien)
# Environment: BENCH_PERSONS (100000), BENCH_EVENTS (2000000), BENCH_SECONDS (10)
set -eu
cd "$(dirname "$0")/.."
LIEN=${LIEN_BIN:-build/lien}
PERSONS=${BENCH_PERSONS:-100000}
EVENTS=${BENCH_EVENTS:-2000000}
SECS=${BENCH_SECONDS:-10}
DB=var/bench-persons-$PERSONS-$EVENTS.db
. bench/lib.sh
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY || true

demo_db "$DB" "$PERSONS" "$EVENTS"
# Measure on a copy: the entry benchmark writes.
T=$(mktemp -d "${TMPDIR:-/tmp}/lien-bench-persons.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
cp "$DB" "$T/b.db"
cp "${DB%.db}.key" "$T/b.key"
"$LIEN" migrate --db "$T/b.db" >/dev/null
"$LIEN" serve --db "$T/b.db" --listen 127.0.0.1:0 --login-delay 0 --max-per-ip 256 > "$T/serve.out" 2>"$T/serve.err" &
PID=$!
lien_session "$T"
MAXID=$(sqlite3 "$T/b.db" "SELECT max(id) FROM persons")
echo "Lien, $PERSONS personnes, $EVENTS échanges ($(nproc) cœurs, $(date -u +%Y-%m-%d)) ; ${BENCH_CONNECTIONS:-1} connexion(s), ${SECS} s par mesure"
THREADS=${BENCH_THREADS:-1}
CONNS=${BENCH_CONNECTIONS:-1}
for mode in ${BENCH_MODES:-search file entry}; do
	printf '%-7s ' "$mode"
	LIEN_COOKIE=$COOKIE LIEN_MODE=$mode LIEN_CSRF=$CSRF LIEN_MAXID=$MAXID \
		wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" -s bench/persons.lua "$B" |
		grep -E '^(server-side|client latency|Requests/sec)' | tr '\n' ' '
	echo
done
