# A corrupt or unwritable database gives one clear line, not a crash.
head -c 8192 /dev/urandom > bad.db
expect_err "n'est pas une base Lien lisible" 1 "$LIEN" migrate --db bad.db
"$LIEN" init --db ok.db >/dev/null
chmod 0444 ok.db
if [ "$(id -u)" -ne 0 ]; then
	expect_err "accessible en écriture" 1 "$LIEN" migrate --db ok.db
fi
chmod 0644 ok.db
# A database newer than the binary is refused.
sqlite3 ok.db "INSERT INTO schema_version VALUES (999, 0)"
expect_err "plus récent que ce programme" 1 "$LIEN" structure list --db ok.db
expect_err "plus récent que ce programme" 1 "$LIEN" migrate --db ok.db
