# Structures and users from the command line, with the password policy.
"$LIEN" init --db t.db >/dev/null
expect_out "Structure 1 créée" "$LIEN" structure add "CCAS de Sète" --db t.db
expect_err "existe déjà" 1 "$LIEN" structure add "CCAS de Sète" --db t.db
expect_out "CCAS de Sète" "$LIEN" structure list --db t.db
expect_out "créé" "$LIEN" user add --db t.db --structure "CCAS de Sète" --login marie.curie --name "Marie Curie" --role travailleur_social --password "Tournesol-Bleu-2026"
expect_err "déjà utilisé" 1 "$LIEN" user add --db t.db --structure 1 --login marie.curie --name "Autre" --role accueil --password "Lavande-Verte-2026"
expect_err "12 caractères" 1 "$LIEN" user add --db t.db --structure 1 --login paul --name "Paul" --role accueil --password "Court1!"
expect_err "rôle inconnu" 1 "$LIEN" user add --db t.db --structure 1 --login paul --name "Paul" --role chef --password "Lavande-Verte-2026"
expect_err "structure inconnue" 1 "$LIEN" user add --db t.db --structure "Nulle part" --login paul --name "Paul" --role accueil --password "Lavande-Verte-2026"
# The password can come on standard input.
echo "Cerisier-Rose-2026" | "$LIEN" user add --db t.db --structure 1 --login paul.dupont --name "Paul Dupont" --role accueil >/dev/null
expect_out "désactivé" "$LIEN" user disable paul.dupont --db t.db
expect_out "paul.dupont	Paul Dupont	accueil	CCAS de Sète	désactivé" "$LIEN" user list --db t.db
expect_out "réactivé" "$LIEN" user enable paul.dupont --db t.db
expect_out "réinitialisé" "$LIEN" user reset-password paul.dupont --password "Peuplier-Gris-2026" --db t.db
[ "$(sqlite3 t.db "SELECT must_change_password FROM users WHERE login='paul.dupont'")" = 1 ]
expect_err "aucun compte" 1 "$LIEN" user disable personne --db t.db
# An administrateur belongs to no structure.
expect_out "créé" "$LIEN" user add --db t.db --login admin --name "Admin" --role administrateur --password "Peuplier-Gris-2026"
expect_err "Rôle invalide" 1 "$LIEN" user add --db t.db --structure 1 --login admin2 --name "Admin" --role administrateur --password "Peuplier-Gris-2026"
# Passwords are stored as Argon2id hashes only.
sqlite3 t.db "SELECT password_hash FROM users" | grep -q '^\$argon2id\$'
! sqlite3 t.db .dump | grep -q "Tournesol-Bleu-2026"
# Contact details printed on the people's papers.
expect_out "Coordonnées de CCAS de Sète enregistrées" "$LIEN" structure set "CCAS de Sète" --phone "04 67 00 00 00" --hours "Lundi 9 h - 12 h" --db t.db
[ "$(sqlite3 t.db "SELECT phone || '|' || hours FROM structures WHERE id = 1")" = "04 67 00 00 00|Lundi 9 h - 12 h" ]
expect_err "chiffres" 1 "$LIEN" structure set 1 --phone "appelez-nous" --db t.db
