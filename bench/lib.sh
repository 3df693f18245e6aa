# Shared by bench/persons.sh and bench/soak.sh (sourced).
# lien_session DIR: waits for `lien serve` to print its address in
# DIR/serve.out, logs in as travailleur.demo and sets B (base URL),
# COOKIE (the session cookie) and CSRF (the session's token).
lien_session() {
	for i in $(seq 100); do grep -q écoute "$1/serve.out" 2>/dev/null && break; sleep 0.2; done
	B=http://127.0.0.1:$(sed -n 's|.*127.0.0.1:\([0-9]*\)/.*|\1|p' "$1/serve.out")
	PRE=$(curl -s -c "$1/jar" "$B/connexion" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
	curl -s -b "$1/jar" -c "$1/jar" -o /dev/null \
		--data "csrf=$PRE&identifiant=travailleur.demo&mot_de_passe=Lavande-Verte-2026" "$B/connexion"
	COOKIE="lien_session=$(awk '$6 == "lien_session" {print $7}' "$1/jar")"
	CSRF=$(curl -s -H "Cookie: $COOKIE" "$B/compte" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
}

# demo_db DB PERSONS EVENTS: demo data of that size in DB (its key beside
# it), generated once with $LIEN and kept (var/): under a temporary name
# meanwhile, so that an interrupted generation leaves no half-made cache.
demo_db() {
	[ -f "$1" ] && return 0
	echo "Génération de $2 personnes et $3 échanges dans $1 (une seule fois)…" >&2
	mkdir -p "$(dirname "$1")"
	_new=${1%.db}.new.db
	rm -f "$_new" "$_new-wal" "$_new-shm" "${_new%.db}.key"
	"$LIEN" init --db "$_new" >/dev/null
	"$LIEN" demo --db "$_new" --persons "$2" --events "$3" >/dev/null
	sqlite3 "$_new" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	mv "${_new%.db}.key" "${1%.db}.key"
	mv "$_new" "$1"
	rm -f "$_new-wal" "$_new-shm"
}

# nginx_head DIR WORKERS CONNECTIONS: the start of a private nginx's
# configuration (own pid, logs and temp paths under DIR, so that neither
# root nor a system nginx is involved), up to inside "http {".
nginx_head() {
	cat <<EOF
worker_processes $2;
daemon off;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections $3; }
http {
	access_log off;
	client_body_temp_path $1/tmp/body;
	proxy_temp_path $1/tmp/proxy;
	fastcgi_temp_path $1/tmp/fastcgi;
	uwsgi_temp_path $1/tmp/uwsgi;
	scgi_temp_path $1/tmp/scgi;
EOF
}
