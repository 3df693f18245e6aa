# Online encrypted backup while the server writes, documents included;
# restore refuses damaged, truncated or wrongly keyed files, never
# overwrites (database or documents folder), and gives back every table
# as it was and every document byte for byte through a server started on
# the restored data.
H=$(cd "$(dirname "$1")" && pwd)
PW=Tournesol-Bleu-2026
"$LIEN" init --db t.db >/dev/null
"$LIEN" demo --db t.db --persons 30 --events 200 >/dev/null
"$LIEN" user add --db t.db --structure 1 --login sauve.ts --name "Camille Test" --role travailleur_social --password $PW >/dev/null
port_of() { for i in $(seq 50); do p=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$1"); [ -n "$p" ] && break; sleep 0.2; done; echo "$p"; }
"$LIEN" serve --db t.db --listen 127.0.0.1:0 --login-delay 0 > serve.out 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
port=$(port_of serve.out)
node "$H/documents.js" upload "$port" sauve.ts $PW 5 sent >/dev/null
[ "$(ls documents | wc -l)" = 5 ]
# A document deleted while the backup runs (its file gone, its row still in
# the copy) is skipped with a note; more uploads go on during the backup.
gone=$(sqlite3 t.db "SELECT storage FROM documents ORDER BY id LIMIT 1")
rm "documents/$gone"
node "$H/documents.js" upload "$port" sauve.ts $PW 3 late >/dev/null &
up=$!
out=$("$LIEN" backup --db t.db --to b1.lienbak 2>&1)
wait $up
case $out in *"Sauvegarde chiffrée écrite dans b1.lienbak"*"documents"*) ;; *) echo "$out"; exit 1 ;; esac
case $out in *"note : document $gone supprimé pendant la sauvegarde : ignoré"*) ;; *) echo "$out"; exit 1 ;; esac
kill $pid; wait $pid 2>/dev/null || true
trap - EXIT
[ "$(stat -c %a b1.lienbak)" = 600 ]
# Encrypted: no name of the demo data in clear.
! grep -q "Villeneuve" b1.lienbak
expect_err "existe déjà" 1 "$LIEN" backup --db t.db --to b1.lienbak
# A backup without the late uploads, to compare tables and documents exactly.
expect_out "la base et 7 documents" "$LIEN" backup --db t.db --to b2.lienbak
expect_out "Base restaurée dans r.db, 7 documents dans ./documents-r" "$LIEN" restore --from b2.lienbak --to r.db --key t.key --documents ./documents-r
# Every table as in the source (the server had stopped writing; compare contents).
for table in $(sqlite3 t.db "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"); do
	[ "$(sqlite3 t.db "SELECT * FROM $table ORDER BY 1" | md5sum)" = "$(sqlite3 r.db "SELECT * FROM $table ORDER BY 1" | md5sum)" ] ||
		{ echo "table $table differs"; exit 1; }
done
expect_out "intact" "$LIEN" audit verify --db r.db --key t.key
# The first backup, restored beside its database (the default folder):
# every document it holds comes back byte for byte through a server.
mkdir s
expect_out "Base restaurée dans s/r.db, " "$LIEN" restore --from b1.lienbak --to s/r.db --key t.key
[ ! -e "s/documents/$gone" ]
"$LIEN" serve --db s/r.db --key t.key --listen 127.0.0.1:0 --login-delay 0 > serve2.out 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
port=$(port_of serve2.out)
# Each document of the copy, but the one deleted, from the first uploads
# (sent/) or from those made during the backup (late/) that it caught.
pairs=$(sqlite3 s/r.db "SELECT id || '=' || name FROM documents WHERE storage != '$gone' ORDER BY id")
[ "$(echo "$pairs" | wc -l)" -ge 4 ]
[ "$(ls s/documents | wc -l)" = "$(echo "$pairs" | wc -l)" ]
# shellcheck disable=SC2086
node "$H/documents.js" check "$port" sauve.ts $PW . $pairs
kill $pid; wait $pid 2>/dev/null || true
trap - EXIT
# Never overwrites: neither a database nor a documents folder that holds something.
expect_err "existe déjà" 1 "$LIEN" restore --from b1.lienbak --to r.db --key t.key
expect_err "n'est pas vide" 1 "$LIEN" restore --from b1.lienbak --to x.db --key t.key --documents documents-r
[ ! -f x.db ]
# Wrong key, damaged byte, truncated file, not a backup: refused, nothing left behind.
"$LIEN" init --db other.db >/dev/null
expect_err "clé différente de celle de la sauvegarde" 1 "$LIEN" restore --from b1.lienbak --to x.db --key other.key --documents documents-x
[ ! -f x.db ] && [ ! -d documents-x ]
cp b1.lienbak damaged.lienbak
size=$(stat -c %s damaged.lienbak)
printf 'X' | dd of=damaged.lienbak bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
expect_err "illisible (fichier abîmé)" 1 "$LIEN" restore --from damaged.lienbak --to x.db --key t.key --documents documents-x
[ ! -f x.db ] && [ ! -d documents-x ]
head -c $((size - 100)) b1.lienbak > cut.lienbak
expect_err "cut.lienbak est tronqué ($((size - 100)) octets sur $size)" 1 "$LIEN" restore --from cut.lienbak --to x.db --key t.key --documents documents-x
[ ! -f x.db ] && [ ! -d documents-x ]
expect_err "pas une sauvegarde" 1 "$LIEN" restore --from t.db --to x.db --key t.key
# No temporary file or folder left anywhere.
[ -z "$(ls -a | grep -e '\.restauration-' -e '\.copie-')" ]
