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
# A PostgreSQL database: the key file is named, and a server that does not
# answer is one clear line (port 1 on loopback: nothing listens there).
expect_err "indiquez le fichier de clé" 1 "$LIEN" structure list --db postgres://lien@127.0.0.1:1/lien
expect_err "impossible de se connecter à la base PostgreSQL" 1 "$LIEN" structure list --db postgres://lien@127.0.0.1:1/lien --key ok.key
expect_err "doit être une base PostgreSQL" 1 "$LIEN" migrate-db --from ok.db --to autre.db
