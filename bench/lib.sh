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
