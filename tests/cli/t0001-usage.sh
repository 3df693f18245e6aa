# Unknown command or option: usage on stderr, exit 2.
expect_err "commande inconnue" 2 "$LIEN" frobnicate
expect_err "usage" 2 "$LIEN"
expect_out "lien serve" "$LIEN" help
expect_out "schéma" "$LIEN" version
"$LIEN" init --db t.db >/dev/null
expect_err "option inconnue : --bogus" 2 "$LIEN" structure list --db t.db --bogus
expect_err "demande une valeur" 2 "$LIEN" structure list --db
