#!/bin/sh
# A throw-away PostgreSQL server for the tests, from Debian's packages:
# a cluster in a temporary folder, listening on loopback only, trusted
# local connections (nothing else can reach it), fsync off (a test cluster
# is thrown away after the run; the crash tests kill Lien, not PostgreSQL).
# LIEN_PG_FSYNC=on starts it durable instead (fsync=on, synchronous_commit=on,
# full_page_writes=on: the server defaults), for the benchmarks (bench/pg.sh).
#
#   tests/pg/cluster.sh start DIR PORT   prints the URL: postgres://lien@127.0.0.1:PORT
#   tests/pg/cluster.sh stop DIR
#   tests/pg/cluster.sh restart DIR      (the recovery tests)
#
# PostgreSQL refuses to run as root: under root the server runs as the
# "postgres" account the Debian package creates.
set -eu
cmd=$1
dir=$2
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$BIN/pg_ctl" ] || { echo "PostgreSQL introuvable (paquet postgresql)" >&2; exit 1; }

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		su postgres -s /bin/sh -c "$*"
	else
		sh -c "$*"
	fi
}

case $cmd in
start)
	port=$3
	case ${LIEN_PG_FSYNC:-off} in
	on) durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on" ;;
	*) durability="-c fsync=off" ;;
	esac
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
	as_owner "'$BIN/initdb' -D '$dir/data' -U lien --auth=trust -E UTF8 --locale=C.UTF-8 >'$dir/initdb.log' 2>&1"
	as_owner "'$BIN/pg_ctl' -D '$dir/data' -w -t 60 -l '$dir/server.log' \
		-o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 $durability -c max_connections=300 \
		-c shared_buffers=128MB\" start >/dev/null"
	echo "postgres://lien@127.0.0.1:$port"
	;;
restart)
	as_owner "'$BIN/pg_ctl' -D '$dir/data' -w -t 60 -m fast restart >/dev/null"
	;;
stop)
	[ -d "$dir/data" ] && as_owner "'$BIN/pg_ctl' -D '$dir/data' -w -t 60 -m fast stop >/dev/null" || true
	rm -rf "$dir"
	;;
*)
	echo "usage : cluster.sh start|stop|restart DIR [PORT]" >&2
	exit 2
	;;
esac
