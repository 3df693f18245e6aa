# Out of file descriptors, the server waits for some to be freed instead of
# spinning on its listening socket (which stays readable while accept()
# fails), says why in its log, and serves again once clients leave.
"$LIEN" init --db t.db >/dev/null
(ulimit -n 64 && exec "$LIEN" serve --db t.db --listen 127.0.0.1:0) > serve.out 2>serve.err &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for i in 1 2 3 4 5 6 7 8 9 10; do grep -q "écoute" serve.out && break; sleep 0.3; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' serve.out)
[ -n "$port" ] || { cat serve.out serve.err; exit 1; }
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
# 100 idle connections, more than the descriptors left, held 2 s; the CPU
# the server used meanwhile is printed (clock ticks).
used=$(PORT=$port node -e '
	const net = require("net"), fs = require("fs");
	const cpu = () => fs.readFileSync(`/proc/${process.argv[1]}/stat`, "utf8").split(") ")[1].split(" ")
		.slice(11, 13).reduce((a, b) => a + Number(b), 0);
	const socks = [];
	for (let i = 0; i < 100; i++)
		socks.push(net.connect(Number(process.env.PORT), "127.0.0.1").on("error", () => {}));
	setTimeout(() => {
		const t0 = cpu();
		setTimeout(() => { console.log(cpu() - t0); socks.forEach((s) => s.destroy()); }, 2000);
	}, 500);
' "$pid")
echo "CPU used while out of descriptors: $used ticks"
[ "$used" -lt 50 ] || { echo "the server spun while out of descriptors"; exit 1; }
grep -q "accept" serve.err || { echo "no log line about accept"; cat serve.err; exit 1; }
# Served again once the clients left.
for i in 1 2 3 4 5 6 7 8 9 10; do
	code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/sante" || true)
	[ "$code" = 200 ] && break
	sleep 0.5
done
[ "$code" = 200 ] || { echo "not served after the clients left (HTTP $code)"; exit 1; }
