#!/bin/sh
# Runs every golden case (tests/cases/*/ with a cmd file) and every hostile
# case (tests/hostile/*/, when that folder exists; its gen.sh runs first) under
#   valgrind --error-exitcode=99 --leak-check=full
#            --errors-for-leak-kinds=definite,indirect -q
# in a copy of the case's folder, the way tests/cases/run.sh runs cmd.  A case
# fails when valgrind exits 99, reports anything (its log is kept apart from
# partc's stderr), or partc dies of a signal.  Expected outputs are not
# compared (tests/cases/run.sh does that); an exit code other than the case's
# `exit` file is only noted.
# Env: PARTC (default ./partc; build it with `make partc`), VALGRIND,
# VALGRIND_JOBS (how many cases run at once; default: the number of cores).
# The last line is "valgrind: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
PARTC=${PARTC:-$root/partc}
case "$PARTC" in /*) ;; *) PARTC=$(pwd)/$PARTC ;; esac
VALGRIND=${VALGRIND:-valgrind}
if ! command -v "$VALGRIND" >/dev/null 2>&1; then
    echo "valgrind: '$VALGRIND' is not installed (apt-get install valgrind); cannot run the memory checks" >&2
    exit 1
fi
if [ ! -x "$PARTC" ]; then
    echo "valgrind: no partc binary at '$PARTC' (run 'make partc' or set PARTC)" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
jobs=${VALGRIND_JOBS:-$(nproc 2>/dev/null || echo 1)}

# worker K: the cases whose position modulo $jobs is K; counts go to
# $tmp/.result.K, messages to $tmp/.log.K.
worker() {
    passed=0
    failed=0
    i=0
    for dir in "$here"/cases/*/ "$here"/hostile/*/; do
        [ -f "$dir/cmd" ] || continue
        i=$((i + 1))
        [ $((i % jobs)) = "$1" ] || continue
        suite=$(basename "$(dirname "$dir")")
        name=$suite/$(basename "$dir")
        work="$tmp/$suite-$(basename "$dir")"
        mkdir -p "$work"
        cp -R "$dir/." "$work/"
        rm -rf "$work/got"
        why=""
        if [ -f "$work/gen.sh" ] && ! (cd "$work" && sh ./gen.sh >"$work/.gen.out" 2>&1); then
            why="gen.sh failed"
            sed 's/^/    /' "$work/.gen.out" | head -10
        fi
        if [ -z "$why" ]; then
            (cd "$work" && eval "\"$VALGRIND\" --error-exitcode=99 --leak-check=full \
                --errors-for-leak-kinds=definite,indirect -q --log-file=\"$work/.valgrind\" \
                \"$PARTC\" $(cat cmd)" >"$work/.stdout" 2>"$work/.stderr")
            code=$?
            if [ "$code" = 99 ]; then why="valgrind found errors (exit 99)"
            elif [ -s "$work/.valgrind" ]; then why="valgrind printed errors (exit $code)"
            elif [ "$code" -gt 128 ]; then why="killed by signal $((code - 128))"
            fi
            want=$(cat "$dir/exit" 2>/dev/null || echo "")
            if [ -z "$why" ] && [ -n "$want" ] && [ "$code" != "$want" ]; then
                echo "note: $name exited $code under valgrind, the case expects $want"
            fi
        fi
        if [ -z "$why" ]; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "FAIL valgrind $name: $why"
            [ -s "$work/.valgrind" ] && head -60 "$work/.valgrind" | sed 's/^/    /'
        fi
        # a case's copy can be large (generated hostile inputs)
        rm -rf "$work"
    done
    echo "$passed $failed" >"$tmp/.result.$1"
}

k=0
while [ "$k" -lt "$jobs" ]; do
    worker "$k" >"$tmp/.log.$k" 2>&1 &
    k=$((k + 1))
done
wait
passed=0
failed=0
k=0
while [ "$k" -lt "$jobs" ]; do
    cat "$tmp/.log.$k"
    if [ -f "$tmp/.result.$k" ]; then
        read -r p f <"$tmp/.result.$k"
        passed=$((passed + p))
        failed=$((failed + f))
    else
        echo "FAIL valgrind: worker $k did not finish"
        failed=$((failed + 1))
    fi
    k=$((k + 1))
done
echo "valgrind: $passed passed, $failed failed"
[ "$failed" = 0 ]
