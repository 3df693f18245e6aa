#!/bin/sh
# make load: a département-sized database (bench/persons.sh builds it once),
# 64 connections for 60 s of mixed reads and writes (40 % name searches,
# 40 % file pages, 10 % home pages, 10 % new journal entries). Prints the
# errors (there must be none) and the latencies; see BENCHMARKS.md.
#   LOAD_SECONDS (60)  LOAD_CONNECTIONS (64)
set -eu
cd "$(dirname "$0")/.."
BENCH_MODES=mixed BENCH_THREADS=2 BENCH_CONNECTIONS=${LOAD_CONNECTIONS:-64} BENCH_SECONDS=${LOAD_SECONDS:-60} \
	sh bench/persons.sh
