#!/bin/sh
# make fuzz [FUZZ_SECONDS=N]: builds the libFuzzer harnesses with ASan and
# UBSan, runs each for N seconds (default 30), and reports.
#
#   sh fuzz/run.sh [SECONDS]
#
# Harnesses (fuzz/fuzz_NAME.c, seeds in fuzz/corpus/NAME/):
#   tpl   template parser and renderer (src/view/tpl.c)
#   form  query/form, cookie and percent-decoding parsers (src/http/form.c)
#   date  date_parse, utf8_valid_text, str_to_i64 against reference versions
#   hours opening_hours parser and evaluator (src/core/hours.c), with invariants
#   phone French phone numbers and SMS text folding (src/core/gsm.c)
#   directory_json  the services directory import (src/domain/directory_import.c:
#         data·inclusion and lieux JSON, lieux CSV) into an in-memory database
#
# The committed seeds are only read: what a run finds goes to
# build-fuzz/corpus/NAME/, crashes to build-fuzz/artifacts/NAME/.
# Reproduce a crash with build-fuzz/fuzz_NAME FILE.
# Environment: FUZZ_CC (default clang), FUZZ_ONLY="form date" to pick harnesses.
# Exits non-zero when a harness crashed (or did not build); the last line
# is "N passed, N failed", one per harness.
set -u

cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-30}
case "$SECONDS_EACH" in
'' | *[!0-9]*) SECONDS_EACH=30 ;;
esac
CC_FUZZ=${FUZZ_CC:-clang}
B=build-fuzz
HARNESSES=${FUZZ_ONLY:-tpl form date csv multipart hours phone directory_json}

command -v "$CC_FUZZ" >/dev/null 2>&1 || {
	echo "fuzz: $CC_FUZZ introuvable (make deps installe clang et libclang-rt-14-dev)" >&2
	echo "0 passed, 1 failed"
	exit 1
}

FLAGS="-fsanitize=fuzzer,address,undefined -g -O1 -std=c17 -D_GNU_SOURCE -Wall -Wextra
	-Isrc -I$B/gen -include src/core/banned.h"

sources() {
	case "$1" in
	tpl) echo "src/view/tpl.c src/core/buf.c src/core/pool.c src/core/thread_exit.c src/core/embedded.c $B/gen/embedded.c" ;;
	form) echo "src/http/form.c src/core/pool.c src/core/thread_exit.c src/core/buf.c" ;;
	date) echo "src/core/clock.c src/core/buf.c" ;;
	csv) echo "src/core/csv.c src/core/buf.c" ;;
	hours) echo "src/core/hours.c src/core/clock.c src/core/buf.c" ;;
	multipart) echo "src/http/form.c src/core/pool.c src/core/thread_exit.c src/core/buf.c" ;;
	phone) echo "src/core/gsm.c src/core/buf.c" ;;
	# The whole database layer but the backups, whatever its backends are.
	directory_json) echo "src/domain/directory_import.c src/domain/directory.c src/domain/commune.c
		src/domain/audit.c src/domain/domain.c $(ls src/db/*.c | grep -v backup.c) src/core/buf.c
		src/core/clock.c src/core/crypto.c src/core/csv.c src/core/fdio.c src/core/embedded.c src/core/log.c src/core/pool.c src/core/thread_exit.c
		src/core/text.c src/core/u64set.c $B/gen/embedded.c" ;;
	*) return 1 ;;
	esac
}

# Compiler and linker flags of the libraries a harness needs (libpq when
# the database layer has its PostgreSQL backend).
libs() {
	case "$1" in
	directory_json) pkg-config --cflags --libs sqlite3 libsodium libcjson libpq 2>/dev/null ||
		pkg-config --cflags --libs sqlite3 libsodium libcjson ;;
	esac
}

mkdir -p "$B/gen"
# The templates harness resolves partials against the embedded files table;
# the directory's needs the migrations and the vocabularies.
cc -o "$B/embed" tools/embed.c &&
	"$B/embed" "$B/gen/embedded.c" templates/*.html static/* src/db/migrations/*.sql data/*.csv || {
	echo "fuzz: génération de $B/gen/embedded.c impossible" >&2
	echo "0 passed, 1 failed"
	exit 1
}

# UBSan reports become crashes the fuzzer keeps; leaks are failures too.
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS ASAN_OPTIONS

passed=0
failed=0
summary=""
for h in $HARNESSES; do
	src=$(sources "$h") || { echo "fuzz: harnais inconnu : $h" >&2; failed=$((failed + 1)); continue; }
	bin="$B/fuzz_$h"
	work="$B/corpus/$h"
	art="$B/artifacts/$h"
	log="$B/fuzz_$h.log"
	mkdir -p "$work" "$art"
	echo "== fuzz_$h : construction"
	# shellcheck disable=SC2086,SC2046
	if ! "$CC_FUZZ" $FLAGS -o "$bin" "fuzz/fuzz_$h.c" $src -pthread -lm $(libs "$h") 2>"$B/fuzz_$h.build.log"; then
		cat "$B/fuzz_$h.build.log" >&2
		echo "fuzz_$h : ÉCHEC de la construction"
		failed=$((failed + 1))
		summary="$summary\n  fuzz_$h : construction impossible"
		continue
	fi
	seeds=fuzz/corpus/$h
	[ -d "$seeds" ] || seeds=
	before=$(ls "$work" | wc -l)
	dict=
	[ -f "fuzz/$h.dict" ] && dict="-dict=fuzz/$h.dict"
	echo "== fuzz_$h : $SECONDS_EACH s (corpus de travail $work, graines $seeds)"
	# The work dir comes first: libFuzzer writes new inputs there only.
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$art/" $dict "$work" $seeds >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*ft: \([0-9]*\).*/cov \1, ft \2/p')
	after=$(ls "$work" | wc -l)
	crashes=$(grep -E '^artifact_prefix=|Test unit written to' "$log" | sed -n 's/.*Test unit written to //p')
	if [ "$rc" -eq 0 ] && [ -z "$crashes" ]; then
		passed=$((passed + 1))
		line="fuzz_$h : ${execs:-?} exécutions, ${cov:-couverture ?}, $((after - before)) entrées nouvelles, aucun crash"
	else
		failed=$((failed + 1))
		reason=$(grep -E '^==[0-9]+==ERROR|runtime error|SUMMARY|deadly signal|timeout|out-of-memory' "$log" | head -n 3)
		line="fuzz_$h : CRASH (code $rc) après ${execs:-?} exécutions : ${crashes:-voir $log}"
		echo "$reason" | sed 's/^/    /'
		echo "    journal : $log ; reproduire : $bin ${crashes:-FICHIER}"
	fi
	echo "$line"
	summary="$summary\n  $line"
done

printf "\nRésumé :%b\n" "$summary"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
