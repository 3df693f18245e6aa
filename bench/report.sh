#!/bin/sh
# Activity report benchmark (issue 7): `lien report activity` for a calendar
# year and for a month, from the aggregates the journal's triggers keep
# (the default) and from a recount of the raw entries (--recount), on
#   - var/bench-persons-100000-2000000.db, the persons benchmark's database
#     (100,000 people, 2,000,000 entries over the last year), migrated on a
#     copy: the time the migration takes to fill the aggregates is printed;
#   - var/bench-report-P-200000.db, 200,000 entries made once with
#     `lien demo`, for P = 10,000 people (entries and people both ten times
#     fewer) and P = 100,000 (the same people, ten times fewer entries).
# The times are those lien prints with --timing: the computation alone,
# elapsed and processor (the machine may be shared), median of BENCH_RUNS.
# Then the cost the triggers add to writing one entry: 20,000 inserts in
# one transaction, with and without the triggers (the processor's part; an
# entry written through the web also writes its audit row and waits for
# the disk, see the persons benchmark).
#
#   sh bench/report.sh        (after make lien)
# Periods: the calendar year (its people counted on write, migration 015),
# the last whole month, and twelve rolling months (people read one by one).
# Environment: LIEN_BIN, BENCH_RUNS (5), BENCH_SIZES ("10000:200000 100000:200000 100000:2000000")
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
LIEN=${LIEN_BIN:-build/lien}
RUNS=${BENCH_RUNS:-5}
T=$(mktemp -d "${TMPDIR:-/tmp}/lien-bench-report.XXXXXX")
trap 'rm -rf "$T"' EXIT

# The median of the --timing lines of N runs: "elapsed cpu" in ms.
measure() {
	runs=$1 db=$2
	shift 2
	for i in $(seq "$runs"); do
		"$LIEN" report activity --db "$db" --key "${db%.db}.key" --structure 1 --timing "$@" 2>&1 >/dev/null |
			sed -n 's/.*: \([0-9.]*\) ms (processeur : \([0-9.]*\) ms).*/\1 \2/p'
	done | sort -n | awk '{a[NR] = $1; c[NR] = $2} END {m = int((NR + 1) / 2); print a[m], c[m]}'
}

# The database of P people and E entries, ready on a copy in $T: the
# persons benchmark's one (an older schema: migrated here), or made once.
prepare() {
	p=$1 e=$2
	src=var/bench-report-$p-$e.db
	[ "$e" = 2000000 ] && [ "$p" = 100000 ] && src=var/bench-persons-$p-$e.db
	demo_db "$src" "$p" "$e"
	cp "$src" "$T/b.db"
	cp "${src%.db}.key" "$T/b.key"
	before=$(sqlite3 "$T/b.db" "SELECT max(version) FROM schema_version")
	start=$(date +%s.%N)
	"$LIEN" migrate --db "$T/b.db" --key "$T/b.key" >/dev/null
	end=$(date +%s.%N)
	after=$(sqlite3 "$T/b.db" "SELECT max(version) FROM schema_version")
	if [ "$before" != "$after" ]; then
		echo "  migration du schéma $before au schéma $after (dont le remplissage des agrégats) :" \
			"$(echo "$end - $start" | bc | xargs printf '%.1f') s"
	fi
}

echo "Rapport d'activité ($(nproc) cœurs, $(date -u +%Y-%m-%d)) ; médiane de $RUNS calculs, en ms (écoulé / processeur)"
year=$(date +%Y)
month_from=$(date -d "$(date +%Y-%m-01) -1 month" +%d/%m/%Y)
month_to=$(date -d "$(date +%Y-%m-01) -1 day" +%d/%m/%Y)
# Twelve months to yesterday: not a calendar year, so its people are read
# one by one (the cost a calendar year had before migration 015).
rolling_from=$(date -d "-365 days" +%d/%m/%Y)
rolling_to=$(date -d "-1 day" +%d/%m/%Y)
for size in ${BENCH_SIZES:-10000:200000 100000:200000 100000:2000000}; do
	p=${size%:*} e=${size#*:}
	echo "$p personnes, $e échanges :"
	prepare "$p" "$e"
	for period in "01/01/$year 31/12/$year année" "$month_from $month_to mois" "$rolling_from $rolling_to 12mois"; do
		set -- $period
		agg=$(measure "$RUNS" "$T/b.db" --from "$1" --to "$2")
		# The recount takes seconds: fewer runs.
		raw=$(measure $((RUNS < 3 ? RUNS : 3)) "$T/b.db" --from "$1" --to "$2" --recount)
		# Both ways give the same figures.
		"$LIEN" report activity --db "$T/b.db" --key "$T/b.key" --structure 1 --from "$1" --to "$2" >"$T/agg.txt"
		"$LIEN" report activity --db "$T/b.db" --key "$T/b.key" --structure 1 --from "$1" --to "$2" \
			--recount >"$T/raw.txt"
		same=identiques
		cmp -s "$T/agg.txt" "$T/raw.txt" || same=DIFFÉRENTS
		echo "$3 $1–$2 $agg $raw $same" | awk '{printf "  %-6s %s  agrégats %7.1f / %7.1f   recompte %8.1f / %8.1f   rapport ×%.0f (processeur)   chiffres %s\n", $1, $2, $3, $4, $5, $6, ($4 > 0 ? $6 / $4 : 0), $7}'
	done
done

# The triggers' cost per entry written: the same inserts with and without them.
cat >"$T/insert.sql" <<'EOF'
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO journal_entries(structure_id, person_id, author_id, at, medium, kind, themes, duration_min, created_at)
SELECT 1, 1 + abs(random()) % 1000, 2, strftime('%s', 'now') - abs(random()) % 31536000, 'telephone',
	'entretien', CASE i % 3 WHEN 0 THEN 'numerique' WHEN 1 THEN 'numerique,sante' ELSE '' END, 20, 0 FROM n;
ROLLBACK;
EOF
cost() {
	s=$(date +%s.%N)
	sqlite3 "$1" <"$T/insert.sql"
	e=$(date +%s.%N)
	echo "($e - $s) * 1000000 / 20000" | bc -l
}
# The last size measured: warm the cache once, then time.
cost "$T/b.db" >/dev/null
with=$(cost "$T/b.db")
sqlite3 "$T/b.db" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'report_%'" |
	sqlite3 "$T/b.db"
without=$(cost "$T/b.db")
echo "$with $without" | awk '{printf "Écrire un échange : %.1f µs avec les agrégats, %.1f µs sans (+%.1f µs, sans compter la synchronisation du disque)\n", $1, $2, $1 - $2}'
