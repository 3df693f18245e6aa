#!/bin/sh
# Directory search benchmark (issue 6): on 100,000 data·inclusion services
# (bench/directory_gen.py, the file bench/directory.sh uses), the
# server-side time (Server-Timing: app;dur) of the search page for the
# combined query of the issue — a theme + words + 10 km around a place +
# open now — and the same open at a fixed weekday moment (more services
# pass the hours test), each around 1,000 different places; then words
# alone and a theme alone across France. Median, p99 and max, and the mean
# number of services found. The database is built once into
# var/bench-directory/ (the import takes about ten seconds).
#
#   sh bench/directory_search.sh        (after make lien)
# Environment: BENCH_SERVICES (100000), BENCH_REQUESTS (1000)
set -eu
cd "$(dirname "$0")/.."
LIEN=${LIEN_BIN:-build/lien}
N=${BENCH_SERVICES:-100000}
R=${BENCH_REQUESTS:-1000}
D=var/bench-directory
DB=$D/search-$N.db
PW=Lavande-Verte-2026
[ -x "$LIEN" ] || { echo "bench: $LIEN introuvable : lancez make lien" >&2; exit 1; }
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY || true
mkdir -p "$D"
if [ ! -s "$D/di-$N.json" ]; then
	echo "Génération de $N services (data·inclusion) dans $D (une seule fois)…"
	python3 bench/directory_gen.py di "$N" > "$D/di-$N.json.tmp" && mv "$D/di-$N.json.tmp" "$D/di-$N.json"
fi
if [ ! -s "$DB" ]; then
	echo "Import dans $DB (une seule fois)…"
	rm -f "$DB" "${DB%.db}.key"
	"$LIEN" init --db "$DB" >/dev/null
	"$LIEN" structure add "CCAS de Banc-d'Essai" --db "$DB" >/dev/null
	"$LIEN" user add --db "$DB" --structure "CCAS de Banc-d'Essai" --login travailleur.bench --name "Travailleur Banc" \
		--role travailleur_social --password "$PW" >/dev/null
	"$LIEN" import services "$D/di-$N.json" --db "$DB" >/dev/null
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/lien-bench-search.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
cp "$DB" "$T/b.db"
cp "${DB%.db}.key" "$T/b.key"
"$LIEN" migrate --db "$T/b.db" >/dev/null
"$LIEN" serve --db "$T/b.db" --listen 127.0.0.1:0 --login-delay 0 > "$T/serve.out" 2>"$T/serve.err" &
PID=$!
for i in $(seq 100); do grep -q écoute "$T/serve.out" 2>/dev/null && break; sleep 0.2; done
B=http://127.0.0.1:$(sed -n 's|.*127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve.out")
PRE=$(curl -s -c "$T/jar" "$B/connexion" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -s -b "$T/jar" -c "$T/jar" -o /dev/null --data "csrf=$PRE&identifiant=travailleur.bench&mot_de_passe=$PW" "$B/connexion"
COOKIE="lien_session=$(awk '$6 == "lien_session" {print $7}' "$T/jar")"
# Places: located services spread over the country, one per request.
sqlite3 "$T/b.db" "SELECT id FROM dir_services WHERE geo_cell IS NOT NULL AND id % 37 = 5 LIMIT $R" > "$T/places"
# A Tuesday at 10:00 in the coming weeks (the hours of the generated services are weekly).
TUESDAY=$(python3 -c "import datetime as d; t=d.date.today(); t+=d.timedelta((1-t.weekday())%7 or 7); print(t.strftime('%d/%m/%Y'))")

# measure LABEL QUERY: R requests (around each place when QUERY names
# AUTOUR), the server-side times and the result counts.
measure() {
	label=$1
	query=$2
	: > "$T/times"
	i=0
	while read -r place; do
		i=$((i + 1))
		theme=$(echo "numerique logement-hebergement trouver-un-emploi sante famille" | cut -d' ' -f$((i % 5 + 1)))
		word=$(echo "accompagnement aide atelier permanence accueil emploi" | cut -d' ' -f$((i % 6 + 1)))
		url=$(echo "$query" | sed "s|AUTOUR|$place|; s|THEME|$theme|; s|WORD|$word|")
		curl -s -D "$T/h" -o "$T/body" -H "Cookie: $COOKIE" "$B$url"
		dur=$(sed -n 's/^Server-Timing: app;dur=\([0-9.]*\).*/\1/pi' "$T/h")
		found=$(sed -n 's/.*<h2 id="resultats">\([0-9]*\) service.*/\1/p' "$T/body")
		echo "$dur ${found:-0}" >> "$T/times"
	done < "$T/places"
	sort -n "$T/times" | awk -v label="$label" '
		{ t[NR] = $1; n += $2 }
		END { p99 = int(NR * 0.99); if (p99 < 1) p99 = 1
		      printf "%-46s médiane %6.2f ms   p99 %6.2f ms   max %6.2f ms   (%d requêtes, %.1f services trouvés en moyenne)\n",
			label, t[int((NR + 1) / 2)], t[p99], t[NR], NR, n / NR }'
}

echo "Lien, recherche dans l'annuaire : $(sqlite3 "$T/b.db" "SELECT count(*) FROM dir_services") services ($(nproc) cœurs, $(date -u +%Y-%m-%d), charge $(cut -d' ' -f1 /proc/loadavg))"
echo "temps côté serveur de la page de résultats entière (recherche + 20 résultats avec leurs horaires en mots)"
measure "thème + mots + 10 km + ouvert maintenant" "/annuaire?theme=THEME&q=WORD&lieu=service&autour=AUTOUR&rayon=10&ouvert=maintenant"
measure "thème + mots + 10 km + ouvert mardi 10 h" "/annuaire?theme=THEME&q=WORD&lieu=service&autour=AUTOUR&rayon=10&ouvert=jour&jour=$TUESDAY&heure=10:00"
measure "thème + 10 km (sans filtre)" "/annuaire?theme=THEME&lieu=service&autour=AUTOUR&rayon=10"
measure "thème + mots + 50 km + ouvert mardi 10 h" "/annuaire?theme=THEME&q=WORD&lieu=service&autour=AUTOUR&rayon=50&ouvert=jour&jour=$TUESDAY&heure=10:00"
head -100 "$T/places" > "$T/p100" && mv "$T/p100" "$T/places"
measure "mots seuls, France entière" "/annuaire?q=WORD+THEME&lieu="
measure "thème seul, France entière" "/annuaire?theme=THEME&lieu="
