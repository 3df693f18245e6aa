# A second server on a port already served is refused with one clear line
# (no SO_REUSEPORT: two servers, perhaps on two databases, must not share
# the connections of one address).
"$LIEN" init --db t.db >/dev/null
"$LIEN" serve --db t.db --listen 127.0.0.1:0 > serve.out 2>serve.err &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for i in 1 2 3 4 5 6 7 8 9 10; do grep -q "écoute" serve.out && break; sleep 0.3; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' serve.out)
[ -n "$port" ] || { cat serve.out serve.err; exit 1; }
"$LIEN" init --db other.db >/dev/null
expect_err "port déjà utilisé" 1 timeout 10 "$LIEN" serve --db other.db --listen "127.0.0.1:$port"
# The first server still answers.
curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/sante" | grep -q 200
