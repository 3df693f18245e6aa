#!/bin/sh
# make run: a database with demo data if absent, then the server on :8080.
set -e
DB=${LIEN_DB:-var/lien.db}
mkdir -p "$(dirname "$DB")"
if [ ! -f "$DB" ]; then
	./lien init --db "$DB"
	./lien demo --db "$DB"
else
	echo "Base existante : $DB (supprimez-la pour repartir des données de démonstration)."
	./lien user list --db "$DB" || true
fi
echo
echo "Ouvrez http://127.0.0.1:8080/ dans un navigateur (Ctrl+C pour arrêter)."
exec ./lien serve --db "$DB" --listen "${LIEN_LISTEN:-127.0.0.1:8080}"
