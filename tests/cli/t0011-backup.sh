# Online encrypted backup while the server writes; restore refuses damaged,
# truncated or wrongly keyed files, never overwrites, and gives back every
# table as it was.
"$LIEN" init --db t.db >/dev/null
"$LIEN" demo --db t.db --persons 30 --events 200 >/dev/null
"$LIEN" serve --db t.db --listen 127.0.0.1:0 > serve.out 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for i in $(seq 30); do grep -q écoute serve.out && break; sleep 0.2; done
expect_out "Sauvegarde chiffrée écrite dans b1.lienbak" "$LIEN" backup --db t.db --to b1.lienbak
kill $pid; wait $pid 2>/dev/null || true
trap - EXIT
[ "$(stat -c %a b1.lienbak)" = 600 ]
# Encrypted: no name of the demo data in clear.
! grep -q "Villeneuve" b1.lienbak
expect_err "existe déjà" 1 "$LIEN" backup --db t.db --to b1.lienbak
expect_out "Base restaurée" "$LIEN" restore --from b1.lienbak --to r.db --key t.key
# Every table as in the source (the server had stopped writing; compare contents).
for table in $(sqlite3 t.db "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"); do
	[ "$(sqlite3 t.db "SELECT * FROM $table ORDER BY 1" | md5sum)" = "$(sqlite3 r.db "SELECT * FROM $table ORDER BY 1" | md5sum)" ] ||
		{ echo "table $table differs"; exit 1; }
done
expect_out "intact" "$LIEN" audit verify --db r.db --key t.key
# Never overwrites.
expect_err "existe déjà" 1 "$LIEN" restore --from b1.lienbak --to r.db --key t.key
# Wrong key, damaged byte, truncated file, not a backup: refused, nothing left behind.
"$LIEN" init --db other.db >/dev/null
expect_err "clé différente" 1 "$LIEN" restore --from b1.lienbak --to x.db --key other.key
[ ! -f x.db ]
cp b1.lienbak damaged.lienbak
size=$(stat -c %s damaged.lienbak)
printf 'X' | dd of=damaged.lienbak bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
expect_err "illisible" 1 "$LIEN" restore --from damaged.lienbak --to x.db --key t.key
[ ! -f x.db ]
head -c $((size - 100)) b1.lienbak > cut.lienbak
expect_err "refusée" 1 "$LIEN" restore --from cut.lienbak --to x.db --key t.key
[ ! -f x.db ]
expect_err "pas une sauvegarde" 1 "$LIEN" restore --from t.db --to x.db --key t.key
