#!/bin/sh
# Golden cases: each folder under tests/cases/ holds
#   intent     one line: what the case proves and why it exists (required)
#   cmd        the partc command line after "partc" (e.g. "compile spec --as-of 2026-11-22 --out got")
#   spec/      the input specs
#   exit       the expected exit code
#   stderr     the expected diagnostics, exactly
#   stdout     (optional) the expected standard output, exactly
#   expected/  (optional) the files a compile must write into got/, exactly
#   setup.sql, assert.sql  (optional) used by the PostgreSQL tests
# The case runs in a copy of its folder, so paths in messages are relative.
# UPDATE=1 rewrites the expectations from what partc does now.
set -u
here=$(cd "$(dirname "$0")" && pwd)
PARTC=${PARTC:-$here/../../partc}
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
for dir in "$here"/*/; do
    name=$(basename "$dir")
    [ -f "$dir/cmd" ] || continue
    work="$tmp/$name"
    mkdir -p "$work"
    cp -R "$dir/." "$work/"
    rm -rf "$work/got"
    (cd "$work" && eval "\"$PARTC\" $(cat cmd)" >"$work/.stdout" 2>"$work/.stderr")
    code=$?
    if [ "${UPDATE:-}" = 1 ]; then
        echo "$code" >"$dir/exit"
        cp "$work/.stderr" "$dir/stderr"
        [ -f "$dir/stdout" ] && cp "$work/.stdout" "$dir/stdout"
        rm -rf "$dir/expected"
        [ -d "$work/got" ] && cp -R "$work/got" "$dir/expected"
    fi
    why=""
    # every case says in one line what it proves and why it exists
    if [ ! -s "$dir/intent" ] || [ "$(wc -l <"$dir/intent")" != 1 ] || [ -z "$(tr -d ' \n' <"$dir/intent")" ]; then
        why="no one-line intent (write what the case proves in $name/intent)"
    fi
    [ -n "$why" ] || [ "$code" = "$(cat "$dir/exit" 2>/dev/null)" ] || why="exit $code, want $(cat "$dir/exit" 2>/dev/null)"
    if [ -z "$why" ] && ! diff -u "$dir/stderr" "$work/.stderr" >"$work/.diff" 2>&1; then why="stderr differs"; fi
    if [ -z "$why" ] && [ -f "$dir/stdout" ] && ! diff -u "$dir/stdout" "$work/.stdout" >"$work/.diff" 2>&1; then why="stdout differs"; fi
    if [ -z "$why" ] && [ -d "$dir/expected" ] && ! diff -ru "$dir/expected" "$work/got" >"$work/.diff" 2>&1; then why="files differ"; fi
    if [ -z "$why" ] && [ ! -d "$dir/expected" ] && [ -d "$work/got" ]; then why="files written, none expected"; fi
    if [ -z "$why" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL case $name: $why"
        [ -s "$dir/intent" ] && sed 's/^/    intent: /' "$dir/intent" | head -3
        [ -f "$work/.diff" ] && head -40 "$work/.diff" | sed 's/^/    /'
    fi
done
echo "cases: $passed passed, $failed failed"
[ "$failed" = 0 ]
