#!/bin/sh
# make soak: mixed load (bench/persons.lua, "mixed") against the
# AddressSanitizer/LeakSanitizer build for SOAK_MINUTES (default 10), with
# the server's resident memory sampled every 30 s. Passes when wrk saw no
# error, LeakSanitizer reported nothing at shutdown, and the resident size
# of the last sample is within 20 % of the one after the first minute.
set -eu
cd "$(dirname "$0")/.."
# Leaks are failures, except the font libraries' process-long caches.
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0}
export LSAN_OPTIONS
MIN=${SOAK_MINUTES:-10}
LIEN=${LIEN_BIN:-build-san/lien}
[ -x "$LIEN" ] || { echo "soak: $LIEN absent (make BUILD=build-san SANITIZE=address,undefined CFLAGS='-O1 -g' build-san/lien)"; exit 1; }
. bench/lib.sh
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY || true
T=$(mktemp -d "${TMPDIR:-/tmp}/lien-soak.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
"$LIEN" init --db "$T/s.db" >/dev/null
"$LIEN" demo --db "$T/s.db" --persons 2000 --events 20000 >/dev/null
"$LIEN" serve --db "$T/s.db" --listen 127.0.0.1:0 --login-delay 0 --max-per-ip 256 > "$T/serve.out" 2>"$T/serve.err" &
PID=$!
lien_session "$T"
MAXID=$(sqlite3 "$T/s.db" "SELECT max(id) FROM persons")
echo "soak : $MIN min de charge mixte sur $LIEN (AddressSanitizer), mémoire résidente toutes les 30 s"
( sleep 60; while kill -0 "$PID" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$PID/status"; sleep 30; done ) > "$T/rss" &
LIEN_COOKIE=$COOKIE LIEN_MODE=mixed LIEN_CSRF=$CSRF LIEN_MAXID=$MAXID \
	wrk -t2 -c32 -d"$((MIN * 60))s" -s bench/persons.lua "$B" > "$T/wrk.out"
grep -E '^(Requests/sec|server-side|client latency)' "$T/wrk.out"
kill "$PID"
wait "$PID" 2>/dev/null || true
PID=
echo "mémoire résidente (Kio) : $(tr '\n' ' ' < "$T/rss")"
first=$(sed -n 1p "$T/rss")
last=$(tail -n 1 "$T/rss")
ok=1
grep -q 'errors=0, non-2xx/3xx=0' "$T/wrk.out" || { echo "soak : erreurs pendant la charge"; ok=0; }
if grep -q 'LeakSanitizer' "$T/serve.err"; then echo "soak : fuites détectées"; sed -n '1,30p' "$T/serve.err"; ok=0; fi
if [ -n "$first" ] && [ "$last" -gt $((first * 12 / 10)) ]; then echo "soak : la mémoire a grandi de $first à $last Kio"; ok=0; fi
[ "$ok" = 1 ] && echo "soak : aucune erreur, aucune fuite, mémoire stable" && echo "1 passed, 0 failed" || { echo "0 passed, 1 failed"; exit 1; }
