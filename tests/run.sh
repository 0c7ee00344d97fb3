#!/bin/sh
# Every test of partc, in order: unit, command line, targets, hostile input,
# golden cases, out/ drift, then PostgreSQL.  The last line counts suites: "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
export PARTC=${PARTC:-$root/partc}
export AS_OF=${AS_OF:-2026-11-22}
UNIT=${UNIT:-$root/build/unit}
passed=0
failed=0
suite() {
    name=$1; shift
    echo "== $name"
    _t0=$(date +%s); if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED suite: $name"; fi; echo "-- $name: $(( $(date +%s) - _t0 )) s"
}

drift() {
    # partc check is what CI users run against their folder: run it on out/
    if ! "$PARTC" check "$root/specs" --out "$root/out" --as-of "$AS_OF"; then
        echo "out/ is stale: run 'make out' and commit the result"
        return 1
    fi
    tmp=$(mktemp -d)
    "$PARTC" compile "$root/specs" --out "$tmp/out" --as-of "$AS_OF" >/dev/null || { rm -rf "$tmp"; return 1; }
    if diff -r "$root/out" "$tmp/out"; then
        echo "out/ matches specs/"
        rm -rf "$tmp"
        return 0
    fi
    echo "out/ is stale: run 'make out' and commit the result"
    rm -rf "$tmp"
    return 1
}

cd "$root"
suite unit "$UNIT"
suite cli sh "$here/cli.sh"
# Two lanes, one core each: the suites without a server, run-all.sh, the
# selftest and one major of the matrix here; squawk, the clock, the rest of
# the matrix and valgrind beside them (their output is printed when they are
# done).  valgrind is slow under sanitizers' builds and pointless there.
lanes=$(mktemp -d)
beside() {
    _n=$1
    shift
    _t0=$(date +%s)
    sh "$@" >"$lanes/$_n.out" 2>&1
    echo $? >"$lanes/$_n.rc"
    echo $(( $(date +%s) - _t0 )) >"$lanes/$_n.time"
}
{
    beside squawk "$here/squawk.sh"
    beside postgres-clock "$here/pg/run-clock.sh"
    beside postgres-matrix "$here/pg/run-matrix.sh" 13 14 16 18
    if [ -z "${PARTC_NO_ULIMIT:-}" ]; then beside valgrind "$here/valgrind.sh"; fi
} &
suite targets sh "$here/targets.sh"
suite hostile sh "$here/hostile/run.sh"
suite fuzz-regressions sh "$here/fuzz/regressions.sh"
suite cases sh "$here/cases/run.sh"
suite drift drift
suite postgres sh "$here/pg/run-all.sh"
suite pg-selftest sh "$here/pg/selftest.sh"
suite postgres-matrix-17 sh "$here/pg/run-matrix.sh" 17
wait
for _n in squawk postgres-clock postgres-matrix valgrind; do
    [ -f "$lanes/$_n.rc" ] || [ "$_n" != valgrind ] || continue
    echo "== $_n"
    cat "$lanes/$_n.out" 2>/dev/null
    if [ "$(cat "$lanes/$_n.rc" 2>/dev/null)" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED suite: $_n"; fi
    echo "-- $_n: $(cat "$lanes/$_n.time" 2>/dev/null) s (beside postgres)"
done
rm -rf "$lanes"
echo "suites: $passed passed, $failed failed"
[ "$failed" = 0 ]
