# lien hours: exit 0 for a valid value, 1 for an invalid one (still
# diagnosed), 2 for usage errors; --json in the reference library's shape;
# --batch answers one line per value.
expect_out "Du lundi au vendredi : de 9 h à 12 h et de 14 h à 17 h" "$LIEN" hours 'Mo-Fr 09:00-12:00,14:00-17:00; PH off'
expect_out "Le lundi 25/03/2024 à 10:00 : Ouvert maintenant, ferme à 12 h" \
	"$LIEN" hours 'Mo-Fr 09:00-12:00,14:00-17:00' --from '2024-03-25 10:00' --to '2024-03-26 00:00'
expect_out "2024-03-29 19:00 → 2024-03-30 11:00" "$LIEN" hours 'Fr 19:00-11:00' --from '2024-03-25 00:00' --to '2024-04-01 00:00'
expect_out "heures sans les minutes" "$LIEN" hours 'Mo 14-17'
out=$("$LIEN" hours 'Mo 09:00-12:00; PH off' --from '2024-03-25 00:00' --to '2024-04-02 00:00' --json)
[ "$out" = '{"valid":true,"warnings":[],"open_intervals":[["2024-03-25 09:00","2024-03-25 12:00",false,null]]}' ] ||
	{ echo "json: $out"; exit 1; }
out=$("$LIEN" hours 'Mo 10:00-12:00 "sur rendez-vous"' --from '2024-03-25 00:00' --to '2024-03-26 00:00' --json)
case $out in *'["2024-03-25 10:00","2024-03-25 12:00",true,"sur rendez-vous"]'*) ;; *) echo "json: $out"; exit 1 ;; esac

# Invalid: diagnosed, raw text shown, exit 1 (also with --json).
expect_fail 1 "$LIEN" hours 'Mo-Fr 14h00-19h00'
set +e
out=$("$LIEN" hours 'Mo-Fr 14h00-19h00' 2>&1)
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "exit $rc"; exit 1; }
case $out in *"Valide : non"*"« h » dans une heure"*"Mo-Fr 14h00-19h00"*) ;; *) echo "$out"; exit 1 ;; esac
expect_fail 1 "$LIEN" hours 'We 09:30-13:00-18:00' --json
expect_fail 1 "$LIEN" hours ''

# Usage errors.
expect_fail 2 "$LIEN" hours
expect_fail 2 "$LIEN" hours 'Mo 10:00-12:00' 'Tu 10:00-12:00'
expect_err "usage" 2 "$LIEN" hours 'Mo 10:00-12:00' --bogus
expect_err "--from attend" 2 "$LIEN" hours 'Mo 10:00-12:00' --from 'demain'
expect_err "fenêtre" 2 "$LIEN" hours 'Mo 10:00-12:00' --from '2024-03-25 00:00' --to '2024-03-24 00:00'

# Batch: one JSON line per input line, invalid ones included, exit 0.
out=$(printf 'Mo 10:00-12:00\nMo 25:00-26:00\n24/7\n' |
	"$LIEN" hours --batch --from '2024-03-25 00:00' --to '2024-03-26 00:00')
[ "$(printf '%s\n' "$out" | wc -l)" -eq 3 ] || { echo "$out"; exit 1; }
case $out in *'"valid":false'*'["2024-03-25 00:00","2024-03-26 00:00",false,null]'*) ;; *) echo "$out"; exit 1 ;; esac
