#!/bin/sh
# Services directory benchmark (issue 6): a national-size directory shaped
# like the shipped samples (bench/directory_gen.py: 100,000 data·inclusion
# services over 40,000 structures, and 100,000 lieux de médiation numérique
# in CSV), imported into a fresh database with `lien import services`:
# the first import (aim: under 10 s), then the same file again (idempotent:
# nothing written), then a few queries of the kind the search runs (theme +
# words + 10 km), timed from Python's sqlite3 (median and p99 of 200 runs):
# around a place the words are matched in C on the candidates' texts, as
# the search does, so what is timed is reading those texts.
# The files are generated once into var/bench-directory/.
#
#   sh bench/directory.sh        (after make lien; make bench runs it)
# Environment: BENCH_SERVICES (100000)
set -eu
cd "$(dirname "$0")/.."
LIEN=${LIEN_BIN:-build/lien}
N=${BENCH_SERVICES:-100000}
D=var/bench-directory
[ -x "$LIEN" ] || { echo "bench: $LIEN introuvable : lancez make lien" >&2; exit 1; }
mkdir -p "$D"
if [ ! -s "$D/di-$N.json" ] || [ ! -s "$D/lmn-$N.csv" ]; then
	echo "Génération de $N services (data·inclusion) et $N lieux (CSV) dans $D (une seule fois)…"
	python3 bench/directory_gen.py di "$N" > "$D/di-$N.json.tmp" && mv "$D/di-$N.json.tmp" "$D/di-$N.json"
	python3 bench/directory_gen.py lmn "$N" > "$D/lmn-$N.csv.tmp" && mv "$D/lmn-$N.csv.tmp" "$D/lmn-$N.csv"
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/lien-bench-directory.XXXXXX")
trap 'rm -rf "$T"' EXIT
"$LIEN" init --db "$T/b.db" >/dev/null

# Runs an import, prints its wall time, the CPU time it used (user + system:
# what the machine's other work does not inflate) and its summary lines.
timed() {
	label=$1
	shift
	start=$(date +%s.%N)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -o "$T/time" -f '%U %S' "$LIEN" import services "$@" --db "$T/b.db" > "$T/out" 2> "$T/err" ||
			{ cat "$T/err" >&2; exit 1; }
	else
		"$LIEN" import services "$@" --db "$T/b.db" > "$T/out" 2> "$T/err" || { cat "$T/err" >&2; exit 1; }
		echo "? ?" > "$T/time"
	fi
	end=$(date +%s.%N)
	secs=$(echo "$start $end" | awk '{printf "%.2f", $2 - $1}')
	cpu=$(awk '{ if ($1 == "?") print "?"; else printf "%.2f", $1 + $2 }' "$T/time")
	printf '%-32s %6s s (CPU %5s s)   %s\n' "$label" "$secs" "$cpu" "$(sed -n '2,4p' "$T/out" | tr '\n' ' ')"
}
echo "Lien, annuaire de services ($(nproc) cœurs, $(date -u +%Y-%m-%d), charge $(cut -d' ' -f1 /proc/loadavg))"
printf '%s\n' "fichiers : $(du -h "$D/di-$N.json" | cut -f1) (data·inclusion JSON), $(du -h "$D/lmn-$N.csv" | cut -f1) (lieux CSV)"
timed "data·inclusion, premier import" "$D/di-$N.json"
timed "data·inclusion, ré-import" "$D/di-$N.json"
timed "lieux CSV, premier import" "$D/lmn-$N.csv"
timed "lieux CSV, ré-import" "$D/lmn-$N.csv"
printf 'base : %s Mo, %s services\n' "$(( $(stat -c %s "$T/b.db") / 1048576 ))" \
	"$(sqlite3 "$T/b.db" "SELECT count(*) FROM dir_services")"

# Queries of the search, on the data·inclusion services (around Lille, 10 km).
python3 - "$T/b.db" <<'PY'
import math, sqlite3, statistics, sys, time
db = sqlite3.connect(sys.argv[1])
lat, lon, km = 50.63, 3.06, 10.0
dlat, dlon = km / 111.2, km / (111.2 * math.cos(math.radians(lat)))
cells = [r * 3601 + c
         for r in range(int(math.floor((lat - dlat + 90) * 10)), int(math.floor((lat + dlat + 90) * 10)) + 1)
         for c in range(int(math.floor((lon - dlon + 180) * 10)), int(math.floor((lon + dlon + 180) * 10)) + 1)]
marks = ','.join('?' * len(cells))
probes = [
    ("10 km + catégorie (bits)", "SELECT id, geo_lat, geo_lon FROM dir_services WHERE geo_cell IN (%s) AND theme_cats & ? != 0" % marks,
     cells + [1 << 12]),
    ("10 km + sous-thème (liens)", "SELECT s.id FROM dir_services s JOIN dir_service_themes t ON t.service_id = s.id "
     "WHERE t.theme = 'numerique--acceder-a-une-connexion-internet' AND s.geo_cell IN (%s)" % marks, cells),
    ("10 km, textes pour les mots", "SELECT id, nom, structure_nom, description, commune, thematiques, horaires_accueil "
     "FROM dir_services WHERE geo_cell IN (%s)" % marks, cells),
    ("catégorie, France (count)", "SELECT count(*) FROM dir_service_themes WHERE theme >= 'logement-hebergement--' "
     "AND theme <= 'logement-hebergement--~'", []),
    ("mots, France (FTS, 20 premiers)", "SELECT rowid FROM dir_services_fts WHERE dir_services_fts MATCH ? LIMIT 20",
     ['"aide" AND "alim"*']),
]
for name, sql, args in probes:
    times, n = [], 0
    for _ in range(200):
        t = time.perf_counter()
        n = len(db.execute(sql, args).fetchall())
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print("%-34s médiane %6.2f ms   p99 %6.2f ms   (%d lignes)" % (name, statistics.median(times), times[197], n))
PY
