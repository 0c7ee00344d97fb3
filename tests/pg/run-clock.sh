#!/bin/sh
# The examples and golden cases again, on clusters whose clock is moved
# (libfaketime preloaded into the server only, see lib.sh): a year later
# (the examples and every golden case) and a month earlier (the examples).
# Nothing the suite asserts may depend on the day it runs.
# PARTC_CLOCK_OFFSETS overrides the offsets, PARTC_CLOCK_ALL those at which
# every golden case runs too (default +365d).
set -u
# the examples' converted tables with 2,000 rows each (run-all.sh proves
# them with the setup's 20,000): what this suite proves is not the copy
PARTC_PG_SETUP_ROWS=${PARTC_PG_SETUP_ROWS:-2000}
export PARTC_PG_SETUP_ROWS
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
. "$here/golden.sh"
passed=0
failed=0
for offset in ${PARTC_CLOCK_OFFSETS:-+365d -30d}; do
    PARTC_PG_FAKETIME=$offset
    export PARTC_PG_FAKETIME
    pg_start || exit 1
    # The server's day must be the machine's day moved by the offset.
    # (read between two readings of the machine's clock: midnight may pass)
    days=${offset%d}
    want=$(date -u -d "$days days" +%Y-%m-%d)
    got=$("$PARTC_PG_BIN/psql" -X -At -c "SELECT (now() AT TIME ZONE 'UTC')::date" 2>&1)
    want2=$(date -u -d "$days days" +%Y-%m-%d)
    if [ "$got" != "$want" ] && [ "$got" != "$want2" ]; then
        echo "FAIL clock$offset: the server's date is '$got', expected $want"
        failed=$((failed + 1))
    else
        echo "ok clock$offset: the server's date is $got"
        passed=$((passed + 1))
        golden_tag="@$offset"
        golden_offset=$offset
        case " ${PARTC_CLOCK_ALL:-+365d} " in
            *" $offset "*) golden_all ;;
            *) golden_examples ;;
        esac
    fi
    pg_stop
done
unset PARTC_PG_FAKETIME
echo "postgres-clock: $passed passed, $failed failed"
[ "$failed" = 0 ]
