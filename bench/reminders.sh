#!/bin/sh
# make bench (part): a batch of reminders queued and handed to a real Kannel
# (bearerbox, smsbox and its fake operator on loopback), no kill: throughput
# and the server's resident memory. It is the reminders suite's crash test
# with BENCH_REMINDERS SMS (default 10,000) and no SIGKILL.
#
#   sh bench/reminders.sh      (after `make lien`)
set -eu
cd "$(dirname "$0")/.."
N=${BENCH_REMINDERS:-10000}
echo "== rappels : $N SMS remis à Kannel (opérateur factice), build/lien"
LIEN_BIN=${LIEN_BIN:-build/lien} REMINDERS_ONLY=crash REMINDERS_CRASH_N="$N" REMINDERS_CRASH_KILLS=0 \
	node tests/reminders/run.js | grep -E 'crash:|passed'
