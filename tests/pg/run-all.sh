#!/bin/sh
# Applies, checks, rolls back and re-applies, on a throwaway cluster:
#   - every example of specs/ as compiled into out/ (setup and asserts in tests/pg/examples/)
#   - every golden case with expected migrations (tests/cases/*/expected)
# then runs every tests/pg/test_*.sh.  On this suite's server (Debian's 15)
# every PL/pgSQL function and procedure also goes through plpgsql_check
# (check_migrations.sh, PARTC_PLPGSQL_CHECK).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
. "$here/golden.sh"
pg_start || exit 1
PARTC_PLPGSQL_CHECK=1
export PARTC_PLPGSQL_CHECK
passed=0
failed=0
# test_convert_staged.sh mostly waits for pg_cron's next minute: it runs
# beside the golden cases (its own database, partc_cron), its line printed
# after them
staged=$PARTC_PG_TMP/staged.out
(sh "$here/test_convert_staged.sh" >"$staged" 2>&1; echo $? >"$staged.rc") &
golden_all
unset PARTC_PLPGSQL_CHECK
wait
cat "$staged"
if [ "$(cat "$staged.rc")" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
for t in "$here"/test_*.sh; do
    [ -f "$t" ] || continue
    [ "$(basename "$t")" != test_convert_staged.sh ] || continue
    if sh "$t"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
pg_stop
echo "postgres: $passed passed, $failed failed"
[ "$failed" = 0 ]
