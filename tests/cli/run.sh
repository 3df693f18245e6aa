#!/bin/sh
# CLI tests: each tests/cli/tNNNN-*.sh is one case, run in a fresh temp
# directory with $LIEN pointing at the binary; exit 0 means it passed.
LIEN=$(cd "$(dirname "${LIEN_BIN:-build/lien}")" && pwd)/$(basename "${LIEN_BIN:-build/lien}")
export LIEN
here=$(cd "$(dirname "$0")" && pwd)
pass=0
fail=0
for t in "$here"/t[0-9]*.sh; do
	name=$(basename "$t" .sh)
	dir=$(mktemp -d)
	if (cd "$dir" && sh -e "$here/lib.sh" "$t") >"$dir/out" 2>&1; then
		echo "ok   cli: $name"
		pass=$((pass + 1))
	else
		echo "FAIL cli: $name"
		sed 's/^/    /' "$dir/out" | tail -15
		fail=$((fail + 1))
	fi
	rm -rf "$dir"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
