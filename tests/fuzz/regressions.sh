#!/bin/sh
# Replays every input the fuzzer once crashed on (tests/fuzz/regressions/*.yaml)
# through the partc binary:
#   partc lint FILE
#   partc lint FILE --target supabase --format json
#   partc plan FILE
#   partc compile FILE --out <tmp> --as-of 2026-11-22
# Any exit code other than 0, 1, 2 or 3 fails (a death by signal shows as
# 128+N), and so does a sanitizer report on stderr or a run over
# REGRESSION_TIMEOUT seconds (default 60, when timeout(1) exists).
# Env: PARTC (default ./partc at the top of the tree).
# The last line is "fuzz-regressions: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
case "$PARTC" in /*) ;; *) PARTC=$(pwd)/$PARTC ;; esac
if [ ! -x "$PARTC" ]; then
    echo "fuzz-regressions: no partc binary at '$PARTC' (run 'make partc' or set PARTC)" >&2
    exit 2
fi
# A sanitizer build exits with a code of its own, not 1, on a finding.
ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:exitcode=87:print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS
limit=${REGRESSION_TIMEOUT:-60}
run_limited() {
    if command -v timeout >/dev/null 2>&1; then timeout "$limit" "$@"; else "$@"; fi
}

passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
for f in "$here"/regressions/*.yaml; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .yaml)
    why=""
    # each command as one line; FILE and OUT are filled in below
    for args in "lint FILE" "lint FILE --target supabase --format json" "plan FILE" \
        "compile FILE --out OUT --as-of 2026-11-22"; do
        rm -rf "$tmp/out"
        # the spec is copied so that paths in messages do not matter
        cp "$f" "$tmp/$name.yaml"
        # shellcheck disable=SC2046 # split into words on purpose (no blanks in the paths)
        set -- $(echo "$args" | sed "s|FILE|$tmp/$name.yaml|; s|OUT|$tmp/out|")
        run_limited "$PARTC" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
        code=$?
        case "$code" in
        0 | 1 | 2 | 3) ;;
        124) why="$args: timed out after ${limit}s"; break ;;
        *)
            if [ "$code" -gt 128 ]; then why="$args: killed by signal $((code - 128))"
            else why="$args: exit $code"; fi
            break
            ;;
        esac
        if grep -qE 'ERROR: (Address|Leak|Memory)Sanitizer|runtime error:' "$tmp/stderr"; then
            why="$args: sanitizer report"
            break
        fi
    done
    if [ -z "$why" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL fuzz regression $name: $why"
        head -20 "$tmp/stderr" | sed 's/^/    /'
    fi
done
echo "fuzz-regressions: $passed passed, $failed failed"
[ "$failed" = 0 ]
