# init creates the database and the key file (0600); migrate is idempotent.
expect_out "migrations appliquées" "$LIEN" init --db var/x.db
[ -f var/x.db ] && [ -f var/x.key ]
[ "$(stat -c %a var/x.key)" = 600 ]
expect_out "0 migration" "$LIEN" migrate --db var/x.db
# A missing database is a clear error, not a crash, and is not created.
expect_err "introuvable" 1 "$LIEN" structure list --db absent.db
[ ! -f absent.db ]
