# demo is idempotent and prints the accounts.
"$LIEN" init --db t.db >/dev/null
expect_out "responsable.demo" "$LIEN" demo --db t.db
expect_out "responsable.demo" "$LIEN" demo --db t.db
[ "$(sqlite3 t.db "SELECT count(*) FROM users")" = 4 ]
# A key file readable by others is refused.
chmod 0644 t.key
expect_err "t.key" 1 "$LIEN" demo --db t.db
