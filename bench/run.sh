#!/bin/sh
# make bench: Lien against nginx serving the same bytes, in one run.
#
#   sh bench/run.sh            (after `make lien`; `make bench` does both)
#
# Environment:
#   BENCH_SECONDS      length of each measurement (default 8)
#   BENCH_WARMUP       warm-up before each measurement, seconds (default 2)
#   BENCH_CONNECTIONS  wrk connections (default 64)
#   BENCH_ROUNDS       rounds; with more than one, medians are printed too (default 3:
#                      the machine's speed drifts, one round can land in a slow minute)
#   LIEN_BIN           the binary to measure (default build/lien)
#   BENCH_LIEN_ARGS    more options for lien serve (e.g. "--threads 4")
#
# What it does: a throwaway database with the demo data, `lien serve` on a
# free loopback port, a login with curl (travailleur.demo has no second
# factor), the bytes of the login page and of the logged-in home page saved
# into the root of a private nginx (2 workers, access_log off, own prefix,
# pid and temp paths, so neither root nor a system nginx is involved), then
# `wrk -t2 -cN --latency` on each page of each server, each preceded by a
# warm-up. Printed: requests/s, p99, server CPU time per request (utime +
# stime from /proc, all threads or worker processes), and the Lien/nginx
# ratios. The 2 cores are shared by wrk and the server: compare the ratios,
# not the absolute figures (see BENCHMARKS.md).
set -eu

cd "$(dirname "$0")/.."
. bench/lib.sh
LIEN=${LIEN_BIN:-build/lien}
SECS=${BENCH_SECONDS:-8}
WARM=${BENCH_WARMUP:-2}
CONNS=${BENCH_CONNECTIONS:-64}
ROUNDS=${BENCH_ROUNDS:-3}
USER_ID=travailleur.demo
USER_PW=Lavande-Verte-2026

die() { echo "bench: $*" >&2; exit 1; }

for tool in wrk nginx curl awk; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
		die "$tool introuvable (make deps l'installe)"
done
NGINX_BIN=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
[ -x "$LIEN" ] || die "$LIEN introuvable : lancez make lien (ou make bench)"

# curl and wrk must talk to the loopback servers directly.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY || true
curl_() { curl -s --noproxy '*' "$@"; }

T=$(mktemp -d "${TMPDIR:-/tmp}/lien-bench.XXXXXX")
LIEN_PID=
NGINX_PID=
cleanup() {
	rc=$?
	set +e
	[ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && echo "bench: arrêt inattendu (code $rc)" >&2
	if [ -n "$LIEN_PID" ]; then kill "$LIEN_PID" 2>/dev/null; wait "$LIEN_PID" 2>/dev/null; fi
	if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; fi
	LIEN_PID=
	NGINX_PID=
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The nginx workers may run as another user (nobody when started as root):
# the web root must be readable by them; the database stays private.
chmod 755 "$T"
mkdir -p "$T/db" "$T/www" "$T/nginx/tmp"
chmod 700 "$T/db"

# --- Lien -----------------------------------------------------------------
"$LIEN" init --db "$T/db/b.db" >"$T/init.log" 2>&1 || { cat "$T/init.log" >&2; die "lien init a échoué"; }
"$LIEN" demo --db "$T/db/b.db" >"$T/demo.log" 2>&1 || { cat "$T/demo.log" >&2; die "lien demo a échoué"; }

# --max-per-ip: wrk opens all its connections from 127.0.0.1; the default
# per-IP cap (64) equals the connection count and would turn connections
# that are still closing from the warm-up into refusals.
"$LIEN" serve --db "$T/db/b.db" --listen 127.0.0.1:0 --login-delay 0 ${BENCH_LIEN_ARGS:-} \
	--max-per-ip $((CONNS * 4)) >"$T/lien.out" 2>"$T/lien.err" &
LIEN_PID=$!
PORT=
i=0
while [ $i -lt 100 ]; do
	PORT=$(sed -n 's|.*écoute sur http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$T/lien.out" 2>/dev/null || true)
	[ -n "$PORT" ] && break
	kill -0 "$LIEN_PID" 2>/dev/null || { cat "$T/lien.err" >&2; die "lien serve s'est arrêté"; }
	sleep 0.1
	i=$((i + 1))
done
[ -n "$PORT" ] || die "lien serve n'a pas annoncé son port"
L="http://127.0.0.1:$PORT"

# Log in: GET /connexion gives the lien_pre cookie and the form's csrf token.
curl_ -c "$T/jar" -o "$T/pre.html" "$L/connexion"
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/pre.html" | head -n 1)
[ -n "$CSRF" ] || die "jeton csrf introuvable dans /connexion"
CODE=$(curl_ -b "$T/jar" -c "$T/jar" -o /dev/null -w '%{http_code}' \
	--data-urlencode "csrf=$CSRF" --data-urlencode "identifiant=$USER_ID" \
	--data-urlencode "mot_de_passe=$USER_PW" "$L/connexion" || true)
SESSION=$(awk '$6 == "lien_session" { print $7 }' "$T/jar")
[ "$CODE" = 303 ] && [ -n "$SESSION" ] || die "connexion refusée (HTTP $CODE)"
COOKIE="lien_session=$SESSION"

# The bytes nginx will serve, with Lien's own headers (minus the per-response
# ones) so both servers send responses of the same size.
curl_ -D "$T/login.hdr" -o "$T/www/login.html" "$L/connexion"
curl_ -D "$T/home.hdr" -o "$T/www/home.html" -H "Cookie: $COOKIE" "$L/"
grep -q '</html>' "$T/www/home.html" && ! grep -q 'name="identifiant"' "$T/www/home.html" ||
	die "la page d'accueil connectée n'a pas été obtenue"
chmod 644 "$T/www/"*.html
add_headers() {
	tr -d '\r' <"$1" | awk -F': ' 'NR > 1 && NF >= 2 {
		n = tolower($1)
		if (n == "date" || n == "content-length" || n == "content-type" || n == "set-cookie" || n == "connection")
			next
		v = substr($0, length($1) + 3)
		gsub(/"/, "\\\"", v)
		printf "\t\t\tadd_header %s \"%s\";\n", $1, v
	}'
}

# --- nginx ----------------------------------------------------------------
N="$T/nginx"
start_nginx() {
	{ nginx_head "$N" 2 1024; cat <<EOF; } >"$N/nginx.conf"
	types { }
	default_type "text/html; charset=utf-8";
	sendfile on;
	tcp_nopush on;
	etag off;
	keepalive_timeout 65;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$1;
		root $T/www;
		location = /connexion {
			try_files /login.html =404;
$(add_headers "$T/login.hdr")
		}
		location = / {
			try_files /home.html =404;
$(add_headers "$T/home.hdr")
		}
	}
}
EOF
	"$NGINX_BIN" -p "$N/" -c "$N/nginx.conf" -e "$N/error.log" >"$N/stdout" 2>&1 &
	NGINX_PID=$!
}
NPORT=
tries=0
while [ -z "$NPORT" ] && [ $tries -lt 20 ]; do
	tries=$((tries + 1))
	p=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
	[ "$p" = "$PORT" ] && continue
	start_nginx "$p"
	i=0
	while [ $i -lt 50 ]; do
		if ! kill -0 "$NGINX_PID" 2>/dev/null; then
			wait "$NGINX_PID" 2>/dev/null || true
			NGINX_PID=
			break # port taken (or config refused): try another
		fi
		if [ "$(curl_ -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/" 2>/dev/null)" = 200 ]; then
			NPORT=$p
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$NPORT" ] && [ -n "$NGINX_PID" ]; then
		kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=
	fi
done
[ -n "$NPORT" ] || { cat "$N/error.log" "$N/stdout" >&2 2>/dev/null; die "nginx n'a pas démarré"; }
G="http://127.0.0.1:$NPORT"
curl_ -o "$T/nginx-home.check" "$G/"
cmp -s "$T/www/home.html" "$T/nginx-home.check" || die "nginx ne sert pas les mêmes octets"

# --- measuring ------------------------------------------------------------
HZ=$(getconf CLK_TCK)
# utime + stime (ticks) of a process and, for nginx, of its workers.
cpu_ticks() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v pid="$1" '{
		p = $1
		sub(/^.*\) /, "") # after the command name: $1 state, $2 ppid, $12 utime, $13 stime
		if (p == pid || $2 == pid)
			t += $12 + $13
	} END { print t + 0 }'
}

# Busy ticks of the whole machine, and CPU seconds used by this shell's
# children (wrk) so far: what is left is other processes' load, which makes a
# measurement on this shared machine worthless when it is high.
busy_ticks() {
	awk '/^cpu / { print $2 + $3 + $4; exit }' /proc/stat # user nice system
}
# `times` must run in this shell, not in a $(...) subshell: call it with a
# redirection, then read the file.
children_seconds() {
	awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] } print t }' "$1"
}
NCPU=$(nproc)

RES="$T/results"
: >"$RES"
# measure ROUND PAGE SERVER URL PID [COOKIE]
measure() {
	set -- "$@" ""
	if [ -n "$6" ]; then
		set -- "$1" "$2" "$3" "$4" "$5" "Cookie: $6"
	else
		set -- "$1" "$2" "$3" "$4" "$5" "X-Bench: 1"
	fi
	echo "  $3 $2 : échauffement ${WARM} s, mesure ${SECS} s" >&2
	wrk -t2 -c"$CONNS" -d"${WARM}s" -H "$6" "$4" >/dev/null 2>&1 || true
	c0=$(cpu_ticks "$5")
	b0=$(busy_ticks)
	times >"$T/times0"
	wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -H "$6" "$4" >"$T/wrk.out" 2>&1
	times >"$T/times1"
	w0=$(children_seconds "$T/times0")
	w1=$(children_seconds "$T/times1")
	b1=$(busy_ticks)
	c1=$(cpu_ticks "$5")
	awk -v round="$1" -v page="$2" -v srv="$3" -v c0="$c0" -v c1="$c1" -v hz="$HZ" \
		-v b0="$b0" -v b1="$b1" -v w0="$w0" -v w1="$w1" -v ncpu="$NCPU" -v secs="$SECS" '
	function ms(v) {
		if (v ~ /us$/) return v / 1000
		if (v ~ /ms$/) return v + 0
		if (v ~ /s$/) return v * 1000
		return v + 0
	}
	/Requests\/sec:/ { rps = $2 }
	/^ +99%/ { p99 = ms($2) }
	/requests in/ { n = $1 }
	/Non-2xx or 3xx responses:/ { bad = $NF }
	/Socket errors:/ { errs = $0 }
	END {
		cpu = n > 0 ? (c1 - c0) * 1e6 / hz / n : 0
		other = ((b1 - b0) - (c1 - c0) - (w1 - w0) * hz) * 100 / (ncpu * secs * hz)
		if (other < 0) other = 0
		printf "%s %s %s %.0f %.2f %.1f %d %d %.0f\n", round, page, srv, rps, p99, cpu, n, bad + 0, other
		if (bad + 0 > 0 || errs != "")
			printf "bench: attention, %s %s : %d réponses non 2xx/3xx %s\n", srv, page, bad, errs > "/dev/stderr"
	}' "$T/wrk.out" >>"$RES"
}

echo "Lien $($LIEN version 2>/dev/null | head -n 1) sur $L, nginx $("$NGINX_BIN" -v 2>&1 | sed 's/.*\///') (2 workers) sur $G"
REV=$(git describe --always --dirty 2>/dev/null || echo "?")
echo "révision : $REV"
echo "machine : $(nproc) cœurs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
echo "mesure : wrk -t2 -c$CONNS -d${SECS}s --latency, échauffement ${WARM}s avant chaque mesure, $ROUNDS tour(s)"
echo "pages : connexion $(wc -c <"$T/www/login.html") octets, accueil connecté $(wc -c <"$T/www/home.html") octets"
echo

r=1
while [ $r -le "$ROUNDS" ]; do
	measure "$r" connexion lien "$L/connexion" "$LIEN_PID"
	measure "$r" connexion nginx "$G/connexion" "$NGINX_PID"
	measure "$r" accueil lien "$L/" "$LIEN_PID" "$COOKIE"
	measure "$r" accueil nginx "$G/" "$NGINX_PID"
	r=$((r + 1))
done

# Check the session was still valid at the end (the home page, not a redirect).
[ "$(curl_ -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$L/")" = 200 ] ||
	echo "bench: attention, la session n'est plus valide à la fin de la mesure" >&2

awk '
function median(list,    n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	rps[$1, $2, $3] = $4; p99[$1, $2, $3] = $5; cpu[$1, $2, $3] = $6; oth[$1, $2, $3] = $9
	if ($9 > 10) busy = 1
	if ($1 > rounds) rounds = $1
}
END {
	split("connexion accueil", pages, " ")
	print "tour  page      serveur     req/s  p99 (ms)  CPU/req (µs)  autres (%)  débit Lien/nginx  p99 Lien/nginx"
	for (r = 1; r <= rounds; r++)
		for (k = 1; k <= 2; k++) {
			p = pages[k]
			tr = rps[r, p, "lien"] / rps[r, p, "nginx"]
			tp = p99[r, p, "lien"] / p99[r, p, "nginx"]
			printf "%-5s %-9s %-7s %9.0f %9.2f %13.1f %11.0f\n", r, p, "nginx", rps[r, p, "nginx"], p99[r, p, "nginx"], cpu[r, p, "nginx"], oth[r, p, "nginx"]
			printf "%-5s %-9s %-7s %9.0f %9.2f %13.1f %11.0f %17.2f %15.2f\n", r, p, "lien", rps[r, p, "lien"], p99[r, p, "lien"], cpu[r, p, "lien"], oth[r, p, "lien"], tr, tp
			R[p] = R[p] " " tr; P[p] = P[p] " " tp
			for (s = 0; s < 2; s++) {
				srv = s ? "lien" : "nginx"
				MR[p, srv] = MR[p, srv] " " rps[r, p, srv]
				MP[p, srv] = MP[p, srv] " " p99[r, p, srv]
				MC[p, srv] = MC[p, srv] " " cpu[r, p, srv]
			}
		}
	if (rounds > 1) {
		print ""
		printf "médianes sur %d tours (rapports : médiane des rapports de chaque tour)\n", rounds
		for (k = 1; k <= 2; k++) {
			p = pages[k]
			printf "%-5s %-9s %-7s %9.0f %9.2f %13.1f\n", "méd", p, "nginx", median(MR[p, "nginx"]), median(MP[p, "nginx"]), median(MC[p, "nginx"])
			printf "%-5s %-9s %-7s %9.0f %9.2f %13.1f %11s %17.2f %15.2f\n", "méd", p, "lien", median(MR[p, "lien"]), median(MP[p, "lien"]), median(MC[p, "lien"]), "", median(R[p]), median(P[p])
		}
	}
	ra = median(R["accueil"]); pa = median(P["accueil"])
	print ""
	print "autres (%) : CPU pris par d'"'"'autres processus que wrk et le serveur mesuré, en % des cœurs."
	if (busy)
		print "ATTENTION : la machine était occupée (autres > 10 %) : ces chiffres ne valent pas une mesure."
	printf "objectif accueil connecté : débit >= 0.40 x nginx -> %.2f (%s) ; p99 <= 2 x nginx -> %.2f (%s)\n",
		ra, (ra >= 0.40 ? "atteint" : "manqué"), pa, (pa <= 2 ? "atteint" : "manqué")
}' "$RES"
