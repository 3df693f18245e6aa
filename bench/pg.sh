#!/bin/sh
# PostgreSQL benchmark (issue 10): the same pages on SQLite and on PostgreSQL,
# with one server and with two servers behind nginx, in one run.
#
#   sh bench/pg.sh            (after `make lien`; `make bench` does both)
#
# Environment:
#   BENCH_PG_PERSONS   people in the database (default 10000)
#   BENCH_PG_EVENTS    journal entries (default 100000)
#   BENCH_SECONDS      length of each measurement (default 8)
#   BENCH_WARMUP       warm-up before each measurement, seconds (default 2)
#   BENCH_CONNECTIONS  wrk connections (default 32)
#   BENCH_THREADS      `lien serve --threads` of every server (default 2)
#   LIEN_BIN           the binary to measure (default build/lien)
#   BENCH_SQL          SQL run on both databases after the load, for what-if
#                      runs (e.g. an index); empty by default
#
# What it does:
# - the SQLite database is generated once by `lien init` + `lien demo
#   --persons N --events M` and kept in var/ (the file name carries the sizes
#   and the schema version of the binary); each run works on a copy;
# - a private PostgreSQL cluster (tests/pg/cluster.sh with LIEN_PG_FSYNC=on:
#   fsync, synchronous_commit and full_page_writes on, as SQLite's
#   synchronous=FULL) in a temporary folder on a free loopback port, stopped
#   and removed at the end; the copy of the SQLite database is moved into it
#   with `lien migrate-db` (row counts and checksums verified), so both sides
#   hold exactly the same rows; then VACUUM ANALYZE and CHECKPOINT;
# - four set-ups, measured one after the other, each on its own:
#     sqlite      one `lien serve` on the SQLite copy
#     pg          one `lien serve` on PostgreSQL
#     pg+nginx    the same server behind a private nginx (upstream keep-alive)
#     pg 2+nginx  two `lien serve` on PostgreSQL behind nginx, round robin
# - on each: the logged-in home page (GET /) and writing a journal entry
#   (POST /personnes/ID/journal with the session cookie and CSRF token, a
#   random person; form check, insert, audit row, commit), with
#   `wrk -t2 -cN` and bench/persons.lua, after a warm-up.
# Printed: requests/s, client p50 and p99, server-side p50 and p99 (the
# Server-Timing header), CPU per request of everything on the server side
# (Lien, PostgreSQL's processes, nginx; utime + stime from /proc), the CPU
# taken by other processes, and the ratios PostgreSQL/SQLite and
# two servers/one server. The 2 cores are shared by wrk, nginx, the servers
# and PostgreSQL: see BENCHMARKS.md.
set -eu

cd "$(dirname "$0")/.."
. bench/lib.sh
LIEN=${LIEN_BIN:-build/lien}
PERSONS=${BENCH_PG_PERSONS:-10000}
EVENTS=${BENCH_PG_EVENTS:-100000}
SECS=${BENCH_SECONDS:-8}
WARM=${BENCH_WARMUP:-2}
CONNS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}

die() { echo "bench pg: $*" >&2; exit 1; }

for tool in wrk nginx curl awk sqlite3 psql ss; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
		die "$tool introuvable (make deps l'installe)"
done
NGINX_BIN=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
[ -x "$LIEN" ] || die "$LIEN introuvable : lancez make lien (ou make bench)"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY || true
curl_() { curl -s --noproxy '*' "$@"; }

T=$(mktemp -d "${TMPDIR:-/tmp}/lien-bench-pg.XXXXXX")
PIDS=          # the lien serve processes running
NGINX_PID=
PG_STARTED=
cleanup() {
	rc=$?
	set +e
	[ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && echo "bench pg: arrêt inattendu (code $rc)" >&2
	stop_servers
	[ -n "$PG_STARTED" ] && sh tests/pg/cluster.sh stop "$T/pg"
	rm -rf "$T"
}
stop_servers() {
	for p in $PIDS $NGINX_PID; do kill "$p" 2>/dev/null; done
	for p in $PIDS $NGINX_PID; do wait "$p" 2>/dev/null; done
	PIDS=
	NGINX_PID=
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# PostgreSQL (as user postgres under root) and the nginx workers must reach
# their folders; the SQLite database stays private.
chmod 755 "$T"
mkdir -p "$T/db"
chmod 700 "$T/db"

# A loopback port nobody listens on (checked again by the server that takes it).
free_port() {
	while :; do
		p=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
		[ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ] && { echo "$p"; return; }
	done
}

# --- the data ---------------------------------------------------------------
"$LIEN" init --db "$T/db/probe.db" >/dev/null || die "lien init a échoué"
SCHEMA=$(sqlite3 "$T/db/probe.db" "SELECT max(version) FROM schema_version")
DB=var/bench-pg-$PERSONS-$EVENTS-v$SCHEMA.db
demo_db "$DB" "$PERSONS" "$EVENTS"
cp "$DB" "$T/db/b.db"
cp "${DB%.db}.key" "$T/db/b.key"
KEY=$T/db/b.key
"$LIEN" migrate --db "$T/db/b.db" >/dev/null

# PostgreSQL: durable, like SQLite's synchronous=FULL.
PGURL=
for attempt in 1 2 3 4 5; do
	PGPORT=$(free_port)
	PG_STARTED=1
	if PGBASE=$(LIEN_PG_FSYNC=on sh tests/pg/cluster.sh start "$T/pg" "$PGPORT" 2>"$T/pg-start.err"); then
		PGURL=$PGBASE/bench
		break
	fi
	sh tests/pg/cluster.sh stop "$T/pg" 2>/dev/null || true
	PG_STARTED=
done
[ -n "$PGURL" ] || { cat "$T/pg-start.err" >&2; die "PostgreSQL n'a pas démarré"; }
psql_() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
psql_ -d "$PGBASE/postgres" -c "CREATE DATABASE bench TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'" ||
	die "CREATE DATABASE a échoué"
# The same rows on both sides: the SQLite copy moved into PostgreSQL.
"$LIEN" migrate-db --from "$T/db/b.db" --to "$PGURL" --key "$KEY" >"$T/migrate-db.log" 2>&1 ||
	{ tail -n 20 "$T/migrate-db.log" >&2; die "lien migrate-db a échoué"; }
if [ -n "${BENCH_SQL:-}" ]; then
	sqlite3 "$T/db/b.db" "$BENCH_SQL" || die "BENCH_SQL refusé par SQLite"
	psql_ -d "$PGURL" -c "$BENCH_SQL" || die "BENCH_SQL refusé par PostgreSQL"
fi
# What autovacuum would have done a minute after the load, done now so it
# does not run during a measurement.
psql_ -d "$PGURL" -c "VACUUM ANALYZE" -c "CHECKPOINT"
PG_MASTER=$(head -n 1 "$T/pg/data/postmaster.pid")
PGVER=$(psql_ -d "$PGURL" -c "SHOW server_version" | cut -d' ' -f1)
PGSET=$(psql_ -d "$PGURL" -F ' ' -c "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
	WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers')")
MAXID=$(sqlite3 "$T/db/b.db" "SELECT max(id) FROM persons")
[ "$(psql_ -d "$PGURL" -c "SELECT max(id) FROM persons")" = "$MAXID" ] || die "les deux bases diffèrent"

# --- servers ----------------------------------------------------------------
# start_lien NAME DB [KEY]: starts `lien serve`, sets LPORT and adds to PIDS.
start_lien() {
	name=$1
	shift
	if [ $# -gt 1 ]; then set -- --db "$1" --key "$2"; else set -- --db "$1"; fi
	"$LIEN" serve "$@" --listen 127.0.0.1:0 --threads "$THREADS" --login-delay 0 --behind-proxy \
		--max-per-ip 4096 >"$T/$name.out" 2>"$T/$name.err" &
	pid=$!
	PIDS="$PIDS $pid"
	LPORT=
	i=0
	while [ $i -lt 200 ]; do
		LPORT=$(sed -n 's|.*écoute sur http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$T/$name.out" 2>/dev/null || true)
		[ -n "$LPORT" ] && return 0
		kill -0 "$pid" 2>/dev/null || { cat "$T/$name.err" >&2; die "lien serve ($name) s'est arrêté"; }
		sleep 0.1
		i=$((i + 1))
	done
	die "lien serve ($name) n'a pas annoncé son port"
}

# start_nginx PORT…: a private nginx (1 worker, own prefix, pid and temp
# paths), upstream round robin over the given Lien ports, keep-alive to them.
start_nginx() {
	N=$T/nginx
	mkdir -p "$N/tmp"
	chmod 777 "$N/tmp"
	ups=
	for p in "$@"; do ups="$ups		server 127.0.0.1:$p max_fails=0;
"; done
	tries=0
	while [ $tries -lt 10 ]; do
		tries=$((tries + 1))
		NPORT=$(free_port)
		{ nginx_head "$N" 1 4096; cat <<EOF; } >"$N/nginx.conf"
	keepalive_timeout 65;
	keepalive_requests 1000000;
	upstream lien {
$ups		keepalive 128;
		keepalive_requests 1000000;
	}
	server {
		listen 127.0.0.1:$NPORT;
		location / {
			proxy_pass http://lien;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host \$host;
			proxy_set_header X-Forwarded-For \$remote_addr;
			proxy_set_header X-Forwarded-Proto http;
			proxy_next_upstream off;
			proxy_read_timeout 60s;
			add_header X-Upstream \$upstream_addr always;
		}
	}
}
EOF
		"$NGINX_BIN" -p "$N/" -c "$N/nginx.conf" -e "$N/error.log" >"$N/stdout" 2>&1 &
		NGINX_PID=$!
		i=0
		while [ $i -lt 50 ]; do
			kill -0 "$NGINX_PID" 2>/dev/null || break
			[ "$(curl_ -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NPORT/connexion" 2>/dev/null)" = 200 ] && return 0
			sleep 0.1
			i=$((i + 1))
		done
		kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=
	done
	cat "$N/error.log" "$N/stdout" >&2 2>/dev/null
	die "nginx n'a pas démarré"
}

# login BASE: logs travailleur.demo in, sets COOKIE and CSRF.
login() {
	rm -f "$T/jar"
	pre=$(curl_ -c "$T/jar" "$1/connexion" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
	[ -n "$pre" ] || die "jeton csrf introuvable dans $1/connexion"
	code=$(curl_ -b "$T/jar" -c "$T/jar" -o /dev/null -w '%{http_code}' \
		--data "csrf=$pre&identifiant=travailleur.demo&mot_de_passe=Lavande-Verte-2026" "$1/connexion" || true)
	COOKIE="lien_session=$(awk '$6 == "lien_session" { print $7 }' "$T/jar")"
	[ "$code" = 303 ] && [ "$COOKIE" != lien_session= ] || die "connexion refusée sur $1 (HTTP $code)"
	CSRF=$(curl_ -H "Cookie: $COOKIE" "$1/compte" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
	[ -n "$CSRF" ] || die "jeton csrf de la session introuvable"
}

# --- measuring --------------------------------------------------------------
HZ=$(getconf CLK_TCK)
NCPU=$(nproc)
# utime + stime (ticks) of the given processes and of their children
# (PostgreSQL's backends, nginx's worker).
cpu_ticks() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v pids=" $* " '{
		p = $1
		sub(/^.*\) /, "") # after the command name: $1 state, $2 ppid, $12 utime, $13 stime
		if (index(pids, " " p " ") || index(pids, " " $2 " "))
			t += $12 + $13
	} END { print t + 0 }'
}
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4; exit }' /proc/stat; } # user nice system
# `times` runs in this shell (wrk is its child); read back from a file.
children_seconds() {
	awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] } print t }' "$1"
}
# entries: journal entries in the database being measured.
entries() {
	case $SETUP in
	sqlite) sqlite3 "$T/db/b.db" "SELECT count(*) FROM journal_entries" ;;
	*) psql_ -d "$PGURL" -c "SELECT count(*) FROM journal_entries" ;;
	esac
}

RES=$T/results
: >"$RES"
# measure MODE URL: one measurement of the current SETUP; the server-side
# processes are $PIDS, nginx and PostgreSQL.
measure() {
	srv="$PIDS $NGINX_PID"
	if [ "$SETUP" != sqlite ]; then srv="$srv $PG_MASTER"; fi
	echo "  $SETUP $1 : échauffement ${WARM} s, mesure ${SECS} s (charge $(cut -d' ' -f1 /proc/loadavg))" >&2
	LIEN_COOKIE=$COOKIE LIEN_MODE=$1 LIEN_CSRF=$CSRF LIEN_MAXID=$MAXID \
		wrk -t2 -c"$CONNS" -d"${WARM}s" -s bench/persons.lua "$2" >/dev/null 2>&1 || true
	e0=0
	if [ "$1" = entry ]; then e0=$(entries); fi
	c0=$(cpu_ticks $srv)
	b0=$(busy_ticks)
	times >"$T/times0"
	LIEN_COOKIE=$COOKIE LIEN_MODE=$1 LIEN_CSRF=$CSRF LIEN_MAXID=$MAXID \
		wrk -t2 -c"$CONNS" -d"${SECS}s" -s bench/persons.lua "$2" >"$T/wrk.out" 2>&1 || true
	times >"$T/times1"
	b1=$(busy_ticks)
	c1=$(cpu_ticks $srv)
	e1=0
	if [ "$1" = entry ]; then
		sleep 0.5 # the requests wrk left in flight
		e1=$(entries)
	fi
	w0=$(children_seconds "$T/times0")
	w1=$(children_seconds "$T/times1")
	awk -v setup="$SETUP" -v mode="$1" -v c0="$c0" -v c1="$c1" -v hz="$HZ" -v b0="$b0" -v b1="$b1" \
		-v w0="$w0" -v w1="$w1" -v ncpu="$NCPU" -v secs="$SECS" -v e0="$e0" -v e1="$e1" '
	/Requests\/sec:/ { rps = $2 }
	/requests in/ { n = $1 }
	/^server-side ms:/ { for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == "p50") sp50 = a[2]; if (a[1] == "p99") sp99 = a[2] } }
	/^client latency ms:/ {
		for (i = 1; i <= NF; i++) {
			sub(/,$/, "", $i); split($i, a, "=")
			if (a[1] == "p50") p50 = a[2]; if (a[1] == "p99") p99 = a[2]
			if (a[1] == "errors") errs = a[2]; if (a[1] == "non-2xx/3xx") bad = a[2]
		}
	}
	END {
		cpu = n > 0 ? (c1 - c0) * 1e6 / hz / n : 0
		other = ((b1 - b0) - (c1 - c0) - (w1 - w0) * hz) * 100 / (ncpu * secs * hz)
		if (other < 0) other = 0
		written = mode == "entry" ? e1 - e0 : -1
		printf "%s %s %.0f %.2f %.2f %.2f %.2f %.1f %.0f %d %d %d %d\n", setup, mode, rps, p50, p99,
			sp50, sp99, cpu, other, n, errs + 0, bad + 0, written
		if (bad + errs > 0)
			printf "bench pg: attention, %s %s : %d erreurs de socket, %d réponses non 2xx/3xx\n",
				setup, mode, errs, bad > "/dev/stderr"
		if (mode == "entry" && written < n)
			printf "bench pg: attention, %s : %d entrées écrites pour %d requêtes\n", setup, written, n > "/dev/stderr"
	}' "$T/wrk.out" >>"$RES"
}

echo "Lien $("$LIEN" version 2>/dev/null | head -n 1), révision $(git describe --always --dirty 2>/dev/null || echo '?')"
echo "machine : $NCPU cœurs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), charge $(cut -d' ' -f1-3 /proc/loadavg)"
echo "données : $PERSONS personnes, $EVENTS échanges ($DB, schéma $SCHEMA), les mêmes lignes des deux côtés"
echo "SQLite $(sqlite3 --version | cut -d' ' -f1) (WAL, synchronous=FULL) ; PostgreSQL $PGVER ($PGSET)"
[ -n "${BENCH_SQL:-}" ] && echo "BENCH_SQL (les deux bases) : $BENCH_SQL"
echo "mesure : wrk -t2 -c$CONNS -d${SECS}s, échauffement ${WARM}s ; lien serve --threads $THREADS par serveur ; nginx 1 worker"
echo

# 1. SQLite, one server.
SETUP=sqlite
start_lien sqlite "$T/db/b.db"
login "http://127.0.0.1:$LPORT"
measure home "http://127.0.0.1:$LPORT"
measure entry "http://127.0.0.1:$LPORT"
stop_servers

# 2. PostgreSQL, one server; then the same behind nginx.
SETUP=pg
start_lien pg1 "$PGURL" "$KEY"
P1=$LPORT
login "http://127.0.0.1:$P1"
measure home "http://127.0.0.1:$P1"
measure entry "http://127.0.0.1:$P1"
SETUP=pg-nginx
start_nginx "$P1"
login "http://127.0.0.1:$NPORT"
measure home "http://127.0.0.1:$NPORT"
measure entry "http://127.0.0.1:$NPORT"
kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=

# 3. PostgreSQL, two servers behind nginx, round robin.
SETUP=pg2-nginx
start_lien pg2 "$PGURL" "$KEY"
P2=$LPORT
start_nginx "$P1" "$P2"
login "http://127.0.0.1:$NPORT"
# The session opened through nginx works on both servers, and nginx uses both.
for i in 1 2 3 4; do
	curl_ -o /dev/null -D - -H "Cookie: $COOKIE" "http://127.0.0.1:$NPORT/" | tr -d '\r' |
		awk 'NR == 1 { s = $2 } tolower($1) == "x-upstream:" { u = $2 } END { print s, u }'
done >"$T/upstreams"
[ "$(awk '$1 == 200 { print $2 }' "$T/upstreams" | sort -u | wc -l)" = 2 ] ||
	{ cat "$T/upstreams" >&2; die "nginx ne répartit pas la session entre les deux serveurs"; }
measure home "http://127.0.0.1:$NPORT"
measure entry "http://127.0.0.1:$NPORT"
stop_servers

for f in "$T"/sqlite.err "$T"/pg1.err "$T"/pg2.err "$T"/nginx/error.log; do
	if [ -s "$f" ]; then
		echo "bench pg: $(grep -c . "$f") ligne(s) dans ${f#"$T"/}, les dernières :" >&2
		tail -n 5 "$f" >&2
	fi
done

echo
awk '
{
	k = $1 SUBSEP $2
	rps[k] = $3; p50[k] = $4; p99[k] = $5; s50[k] = $6; s99[k] = $7; cpu[k] = $8; oth[k] = $9
	n[k] = $10; err[k] = $11 + $12; wr[k] = $13
	if ($9 > 10) busy = 1
}
function row(s, m, label) {
	k = s SUBSEP m
	printf "%-12s %-6s %9.0f %8.2f %8.2f %10.2f %10.2f %11.0f %9.0f %8d\n", label, m, rps[k], p50[k], p99[k], s50[k], s99[k], cpu[k], oth[k], err[k]
}
function ratio(a, b, m, label) {
	ka = a SUBSEP m; kb = b SUBSEP m
	if (rps[kb] == 0 || p50[kb] == 0 || p99[kb] == 0 || cpu[kb] == 0) return
	printf "%-26s %-6s %9.2f %8.2f %8.2f %32.2f\n", label, m, rps[ka] / rps[kb], p50[ka] / p50[kb], p99[ka] / p99[kb], cpu[ka] / cpu[kb]
}
END {
	print "montage      page       req/s  p50 (ms) p99 (ms) serv. p50  serv. p99  CPU/req(µs) autres(%) erreurs"
	split("sqlite pg pg-nginx pg2-nginx", S, " ")
	split("SQLite,1|PG,1|PG,1+nginx|PG,2+nginx", L, "|")
	for (m = 1; m <= 2; m++)
		for (i = 1; i <= 4; i++)
			row(S[i], m == 1 ? "home" : "entry", L[i])
	print ""
	print "rapports                   page       req/s      p50      p99                      CPU/req"
	for (m = 1; m <= 2; m++) {
		pg = m == 1 ? "home" : "entry"
		ratio("pg", "sqlite", pg, "PostgreSQL / SQLite")
		ratio("pg2-nginx", "pg", pg, "2 serveurs / 1 serveur")
		ratio("pg2-nginx", "pg-nginx", pg, "2 / 1 (tous deux via nginx)")
	}
	print ""
	print "home : GET / connecté ; entry : POST d'\''une entrée de journal (303). serv. : temps côté serveur (Server-Timing)."
	print "CPU/req : Lien + PostgreSQL + nginx (sans wrk). autres : CPU pris par d'\''autres processus, en % des cœurs."
	if (busy)
		print "ATTENTION : la machine était occupée (autres > 10 %) : comparez les CPU/req plutôt que les débits."
}' "$RES"
