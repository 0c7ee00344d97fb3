#!/bin/sh
# Hostile inputs: each folder under tests/hostile/ holds
#   cmd      the partc command line after "partc" (e.g. "compile spec --as-of 2026-11-22 --out got")
#   spec/    the input files (may be missing when gen.sh makes them)
#   gen.sh   (optional) POSIX sh, run in the case's work copy before partc; it
#            writes inputs too big or too odd to commit into spec/
#   exit     the expected exit code: 1 (bad spec) or 2 (unusable input)
#   stderr   the expected standard error, exactly
#   stdout   (optional) the expected standard output, exactly (lint prints
#            its findings there)
# Every case runs in a copy of its folder (paths in messages are relative),
# with a 512 MiB address-space limit (`ulimit -v`; PARTC_NO_ULIMIT=1 skips it
# for sanitizer builds) under `timeout 20` as a hang guard.  A case passes
# when the exit code and the output are as expected and partc wrote nothing:
# no got/ folder and no file besides those of the copy and of gen.sh.
# Every expectation must be a located diagnostic (a line "FILE...: error: ")
# with a hint.  The slowest cases and the largest peak RSS (with GNU time,
# when /usr/bin/time is installed) are printed, never judged.
# UPDATE=1 rewrites exit, stderr (and stdout where present) from what partc
# does now: read every changed file before keeping it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
PARTC=${PARTC:-$here/../../partc}
case $PARTC in /*) ;; *) PARTC=$(pwd)/$PARTC ;; esac
if [ ! -x "$PARTC" ]; then
    echo "hostile: no partc at $PARTC (run make partc, or set PARTC)" >&2
    exit 2
fi
LC_ALL=C
export LC_ALL
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
gnutime=""
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o "$tmp/.probe" true 2>/dev/null; then
    gnutime=/usr/bin/time
fi
: >"$tmp/.times"
: >"$tmp/.rss"

# now_ms: wall clock in milliseconds (whole seconds where date has no %N)
now_ms() {
    _t=$(date +%s%N)
    case $_t in
        *[!0-9]*) echo $(( $(date +%s) * 1000 )) ;;
        *) echo $(( _t / 1000000 )) ;;
    esac
}

# listing DIR: every path under DIR, sorted (what partc must leave alone)
listing() {
    (cd "$1" && find . -print | sort)
}

# has_diagnostic FILE: at least one error, each diagnostic located in a file
# (not "partc: error: ...") and followed by a hint
has_diagnostic() {
    _n=$(grep -c -E '^[^ ]+: (error|warning): ' "$1")
    [ "$_n" -gt 0 ] && grep -q -E '^[^ ]+: error: ' "$1" &&
        ! grep -q -E '^partc[a-z ]*: (error|warning): ' "$1" &&
        [ "$(grep -c '^  hint: ' "$1")" = "$_n" ]
}

for dir in "$here"/*/; do
    name=$(basename "$dir")
    [ -f "$dir/cmd" ] || continue
    work="$tmp/w/$name"
    res="$tmp/r/$name"
    mkdir -p "$work" "$res"
    cp -R "$dir/." "$work/"
    rm -f "$work/exit" "$work/stderr" "$work/stdout"
    why=""
    if [ -f "$work/gen.sh" ]; then
        (cd "$work" && sh ./gen.sh) >"$res/gen.out" 2>&1 || why="gen.sh failed: $(head -3 "$res/gen.out")"
    fi
    listing "$work" >"$res/before"
    code=""
    if [ -z "$why" ]; then
        start=$(now_ms)
        (
            cd "$work" || exit 125
            if [ "${PARTC_NO_ULIMIT:-}" != 1 ]; then
                ulimit -v 524288 || exit 125
            fi
            if [ -n "$gnutime" ]; then
                eval "timeout -k 5 20 \"$gnutime\" -f %M -o \"$res/rss\" \"$PARTC\" $(cat cmd)"
            else
                eval "timeout -k 5 20 \"$PARTC\" $(cat cmd)"
            fi
        ) >"$res/stdout" 2>"$res/stderr" </dev/null
        code=$?
        end=$(now_ms)
        ms=$((end - start))
        echo "$ms $name" >>"$tmp/.times"
        if [ -n "$gnutime" ] && [ -s "$res/rss" ]; then
            # GNU time writes "Command exited with non-zero status N" first
            kb=$(tail -n 1 "$res/rss")
            case $kb in *[!0-9]*|"") ;; *) echo "$kb $name" >>"$tmp/.rss" ;; esac
        fi
        case $code in
            124) why="hang: stopped by timeout after 20 s" ;;
            125) why="could not run partc (timeout or ulimit failed)" ;;
            *) [ "$code" -gt 128 ] && why="killed by signal $((code - 128)) (a crash, or the memory limit)" ;;
        esac
    fi
    if [ -z "$why" ] && [ "${UPDATE:-}" = 1 ]; then
        echo "$code" >"$dir/exit"
        cp "$res/stderr" "$dir/stderr"
        [ -f "$dir/stdout" ] && cp "$res/stdout" "$dir/stdout"
    fi
    if [ -z "$why" ]; then
        want=$(cat "$dir/exit" 2>/dev/null)
        case $want in
            1|2) [ "$code" = "$want" ] || why="exit $code, want $want" ;;
            *) why="the expected exit code must be 1 or 2, not '$want'" ;;
        esac
    fi
    if [ -z "$why" ] && ! diff -u "$dir/stderr" "$res/stderr" >"$res/diff" 2>&1; then why="stderr differs"; fi
    if [ -z "$why" ] && [ -f "$dir/stdout" ] && ! diff -u "$dir/stdout" "$res/stdout" >"$res/diff" 2>&1; then
        why="stdout differs"
    fi
    if [ -z "$why" ]; then
        cat "$dir/stderr" >"$res/expected"
        [ -f "$dir/stdout" ] && cat "$dir/stdout" >>"$res/expected"
        has_diagnostic "$res/expected" || why="the expected output is no located error with a hint"
    fi
    if [ -z "$why" ]; then
        [ -e "$work/got" ] && why="partc wrote a got/ folder"
        listing "$work" >"$res/after"
        if [ -z "$why" ] && ! diff -u "$res/before" "$res/after" >"$res/diff" 2>&1; then
            why="partc changed the work folder"
        fi
    fi
    if [ -z "$why" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL hostile $name: $why"
        if [ -s "$res/diff" ]; then
            head -40 "$res/diff" | sed 's/^/    /'
        elif [ -s "$res/stderr" ]; then
            head -8 "$res/stderr" | sed 's/^/    stderr: /'
        fi
    fi
    rm -rf "$work"
done
if [ -s "$tmp/.times" ]; then
    echo "slowest cases (wall ms):"
    sort -rn "$tmp/.times" | head -n 3 | sed 's/^/    /'
fi
if [ -s "$tmp/.rss" ]; then
    echo "largest peak RSS: $(sort -rn "$tmp/.rss" | head -n 1 | sed 's/^\([0-9]*\) \(.*\)/\1 KB (\2)/')"
elif [ -n "$gnutime" ]; then
    echo "largest peak RSS: not measured"
else
    echo "largest peak RSS: not measured (no GNU time at /usr/bin/time)"
fi
echo "hostile: $passed passed, $failed failed"
[ "$failed" = 0 ]
