#!/bin/sh
# The whole test suite: unit, CLI, the services directory's export against the
# official data·inclusion JSON Schema, opening hours against the reference
# library's verdicts, HTTP (live server), gateways (a real Kannel and SMTP
# server on loopback), appointment reminders through those gateways (with
# a SIGKILL while sending), crash (SIGKILL under write load), browser tests and
# every fuzzing harness for FUZZ_SECONDS each (20 by default: the suite
# must stay well under 30 minutes; `make fuzz FUZZ_SECONDS=600` for long runs).
# Each suite prints "N passed, N failed" last; this script adds them up and
# prints the total on its own closing line. Usage: tests/run.sh [SUITE...]
LIEN_BIN=${LIEN_BIN:-build/lien}
LIEN_UNIT=${LIEN_UNIT:-build/tests/unit_tests}
export LIEN_BIN
# Leaks are failures, except the font libraries' process-long caches.
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0}
export LSAN_OPTIONS
suites=${*:-"unit cli directory hours http gateway reminders matrix crash disk e2e fuzz pg-http pg-matrix pg-reminders pg-crash pg-e2e pg pg-migrate"}
mkdir -p tests/artifacts
total_pass=0
total_fail=0

run_suite() {
	name=$1
	shift
	log=tests/artifacts/$name.log
	echo "== $name"
	"$@" >"$log" 2>&1
	rc=$?
	grep -E '^(FAIL|not ok)' "$log" | head -50
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	if [ -z "$line" ]; then
		echo "   $name: no result line (exit $rc); last lines of $log:"
		tail -20 "$log"
		total_fail=$((total_fail + 1))
		return
	fi
	p=$(echo "$line" | sed 's/ passed.*//')
	f=$(echo "$line" | sed 's/.* passed, \([0-9]*\) failed.*/\1/')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "   $name exited $rc"
		f=1
	fi
	echo "   $line"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

# The integration suites run a second time on PostgreSQL (pg-*), against a
# throw-away cluster started here (tests/pg/cluster.sh), as does the suite
# of several servers behind nginx (pg).
case " $suites " in
*" pg"*)
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lien-pg.XXXXXX")
	PG_PORT=${LIEN_TEST_PG_PORT:-$((20000 + $$ % 20000))}
	if PG_URL=$(sh tests/pg/cluster.sh start "$PG_DIR" "$PG_PORT"); then
		trap 'sh tests/pg/cluster.sh stop "$PG_DIR"' EXIT
	else
		echo "   PostgreSQL n'a pas démarré : $(tail -5 "$PG_DIR"/*.log 2>/dev/null)"
		total_fail=$((total_fail + 1))
	fi
	;;
esac

pg_suite() {
	if [ -z "${PG_URL:-}" ]; then
		echo "== $1: no PostgreSQL server"
		total_fail=$((total_fail + 1))
		return
	fi
	name=$1
	shift
	run_suite "$name" env LIEN_TEST_PG="$PG_URL" LIEN_TEST_PG_DIR="$PG_DIR" "$@"
}

for s in $suites; do
	case $s in
	unit) run_suite unit "$LIEN_UNIT" ;;
	cli) run_suite cli sh tests/cli/run.sh ;;
	hours) run_suite hours node tests/hours/oracle.js ;;
	http) run_suite http node tests/http/run.js ;;
	gateway) run_suite gateway node tests/gateway/run.js ;;
	reminders) run_suite reminders node tests/reminders/run.js ;;
	matrix) run_suite matrix node tests/matrix/run.js ;;
	crash) run_suite crash node tests/crash/run.js ;;
	disk) run_suite disk node tests/disk/run.js ;;
	directory) run_suite directory env LIEN_UNIT="$LIEN_UNIT" node tests/directory/export.js ;;
	e2e) run_suite e2e node tests/e2e/run.js ;;
	fuzz) run_suite fuzz sh fuzz/run.sh "${FUZZ_SECONDS:-20}" ;;
	pg-http) pg_suite pg-http node tests/http/run.js ;;
	pg-matrix) pg_suite pg-matrix node tests/matrix/run.js ;;
	pg-reminders) pg_suite pg-reminders node tests/reminders/run.js ;;
	pg-crash) pg_suite pg-crash env CRASH_ROUNDS="${PG_CRASH_ROUNDS:-30}" node tests/crash/run.js ;;
	pg-e2e) pg_suite pg-e2e node tests/e2e/run.js ;;
	pg) pg_suite pg node tests/pg/run.js ;;
	pg-migrate) pg_suite pg-migrate node tests/pg/migrate.js ;;
	*) echo "unknown suite $s"; total_fail=$((total_fail + 1)) ;;
	esac
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
