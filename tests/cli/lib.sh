# Helpers for CLI cases; sourced before the case itself (set -e is on).
# expect_fail CODE CMD...   the command must exit with CODE
# expect_out TEXT CMD...    the command must succeed and print TEXT (stdout+stderr)
# expect_err TEXT CODE CMD...  must exit CODE and print TEXT on stderr
expect_fail() {
	want=$1; shift
	set +e; "$@" >/dev/null 2>&1; got=$?; set -e
	[ "$got" -eq "$want" ] || { echo "expected exit $want, got $got: $*"; exit 1; }
}
expect_out() {
	text=$1; shift
	out=$("$@" 2>&1) || { echo "command failed: $*"; echo "$out"; exit 1; }
	case $out in *"$text"*) ;; *) echo "missing '$text' in output of $*:"; echo "$out"; exit 1 ;; esac
}
expect_err() {
	text=$1; want=$2; shift 2
	set +e; err=$("$@" 2>&1 >/dev/null); got=$?; set -e
	[ "$got" -eq "$want" ] || { echo "expected exit $want, got $got: $*"; echo "$err"; exit 1; }
	case $err in *"$text"*) ;; *) echo "missing '$text' on stderr of $*:"; echo "$err"; exit 1 ;; esac
	[ "$(printf '%s\n' "$err" | grep -c .)" -ge 1 ]
}
. "$1"
