# HTTPS without a reverse proxy: --tls-cert/--tls-key; HSTS and Secure cookies.
"$LIEN" init --db t.db >/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj "/CN=localhost" 2>/dev/null
expect_err "vont ensemble" 1 "$LIEN" serve --db t.db --tls-cert cert.pem
"$LIEN" serve --db t.db --listen 127.0.0.1:0 --tls-cert cert.pem --tls-key key.pem > serve.out 2>serve.err &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for i in 1 2 3 4 5 6 7 8 9 10; do grep -q "écoute" serve.out && break; sleep 0.3; done
port=$(sed -n 's|.*https://127.0.0.1:\([0-9]*\)/.*|\1|p' serve.out)
[ -n "$port" ] || { cat serve.out serve.err; exit 1; }
curl -sk -D headers -o page.html "https://127.0.0.1:$port/connexion"
grep -qi '^Strict-Transport-Security: max-age=' headers
grep -i '^Set-Cookie: lien_pre=' headers | grep -q '; Secure'
grep -q 'Connexion à Lien' page.html
# Plain HTTP to the TLS port gets nothing useful.
! curl -s -m 3 "http://127.0.0.1:$port/connexion" | grep -q 'Connexion à Lien'
# A missing certificate file is one clear line.
expect_err "impossible de lire" 1 "$LIEN" serve --db t.db --listen 127.0.0.1:0 --tls-cert absent.pem --tls-key key.pem
