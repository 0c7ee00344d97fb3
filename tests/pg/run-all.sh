#!/bin/sh
# Applies, checks, rolls back and re-applies, on a throwaway cluster:
#   - every example of specs/ as compiled into out/ (setup and asserts in tests/pg/examples/)
#   - every golden case with expected migrations (tests/cases/*/expected)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
pg_start || exit 1
passed=0
failed=0
check() {
    if sh "$here/check_migrations.sh" "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
opt() { [ -f "$1" ] && echo "$1" || echo ""; }

check examples "$root/out" "$here/examples/setup.sql" "$here/examples/assert.sql"
for dir in "$root"/tests/cases/*/; do
    name=$(basename "$dir")
    ls "$dir/expected/"*.up.sql >/dev/null 2>&1 || continue
    check "case_$name" "$dir/expected" "$(opt "$dir/setup.sql")" "$(opt "$dir/assert.sql")"
done
for t in "$here"/test_*.sh; do
    [ -f "$t" ] || continue
    if sh "$t"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
pg_stop
echo "postgres: $passed passed, $failed failed"
[ "$failed" = 0 ]
