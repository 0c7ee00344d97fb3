#!/bin/sh
# mode: convert under load.  A plain table events with 200,000 rows (identity
# id, RLS, a policy and a grant) is converted with the four generated
# migrations (tests/pg/convert-load/load/events.yaml) while three writers (two
# as the owner, one as partc_events_app under RLS) insert, update, move rows
# between months and delete, each transaction writing the same rows to
# events_mirror.  The writers run through prepare, backfill, swap, swap.down
# and swap again.  Checked, at every step with the writers running (one
# snapshot) and at the end: the table equals the mirror row for row (nothing
# lost, duplicated or stale), the other table kept in step (shadow before
# the swap, events_old after it, also for writes made to partitions by name)
# equals it too, and at the end ids continue,
# every partition has RLS enabled and forced, the policy and the grant, and
# every row is in its month's partition; then cleanup drops events_old.
#
# Runs inside the cluster of run-all.sh, or starts its own when PGHOST is
# unset.  Prints one line: ok convert_load (figures) or FAIL convert_load: ...
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
dir=$here/convert-load
ROWS=${CONVERT_LOAD_ROWS:-200000}
. "$here/lib.sh"
. "$dir/common.sh"
. "$dir/writers.sh"

cl_init convert_load partc_convert_load
t0=$(date +%s)

# -- the migrations ----------------------------------------------------------
# PARTC_POSTGRES: compile for that major (run-matrix.sh runs this on others)
"$PARTC" compile "$dir/load" --out "$CL_WORK/out" --as-of 2026-11-22 ${PARTC_POSTGRES:+--postgres "$PARTC_POSTGRES"} \
    >"$CL_WORK/compile.out" 2>&1 ||
    cl_fail compile "partc compile exited $?" "$CL_WORK/compile.out"
mig() {  # the migration file of phase $1, way $2 (up | down)
    for m in "$CL_WORK/out/"*"_events_$1.$2.sql"; do
        [ -f "$m" ] && echo "$m" && return 0
    done
    return 1
}
prepare_up=$(mig prepare up) || cl_fail compile "no prepare.up migration" "$CL_WORK/compile.out"
runtime_up=$(ls "$CL_WORK/out/"*_partc_runtime_v1.up.sql) || cl_fail compile "no runtime migration" "$CL_WORK/compile.out"
backfill_up=$(mig backfill up) || cl_fail compile "no backfill.up migration" "$CL_WORK/compile.out"
swap_up=$(mig swap up) || cl_fail compile "no swap.up migration" "$CL_WORK/compile.out"
swap_down=$(mig swap down) || cl_fail compile "no swap.down migration" "$CL_WORK/compile.out"
cleanup_up=$(mig cleanup up) || cl_fail compile "no cleanup.up migration" "$CL_WORK/compile.out"
cleanup_down=$(mig cleanup down) || cl_fail compile "no cleanup.down migration" "$CL_WORK/compile.out"

# -- the live table ----------------------------------------------------------
$PSQL -X -q -v rows="$ROWS" -f "$dir/setup.sql" >"$CL_WORK/setup.out" 2>&1 ||
    cl_fail setup "setup.sql failed" "$CL_WORK/setup.out"
cl_apply runtime "$runtime_up"
q "SELECT now() >= '2026-01-01' AND now() < '2100-01-01'" | grep -q t ||
    cl_fail setup "the clock ($(date -u)) is before partition.start 2026-01-01: rows written with created_at = now() would have no partition"

phase_times=""
timed_apply() {
    s=$(date +%s)
    cl_apply "$1" "$2"
    phase_times="$phase_times $1 $(($(date +%s) - s))s"
}

# -- the conversion, with the writers running -----------------------------------
cl_writer_start w1 admin
cl_writer_start w2 admin
cl_writer_start app app
sleep 2
cl_writers_alive || cl_fail writers "a writer did not start" "$CL_WORK/writer_w1.err"

timed_apply prepare "$prepare_up"
sleep 2                                  # writes recorded in the sync log only
timed_apply backfill "$backfill_up"
phase=$(q "SELECT phase FROM events_backfill_state")
[ "$phase" = "done" ] || cl_fail backfill "phase is '$phase' after the backfill, not done" "$CL_WORK/backfill.err"
copied=$(q "SELECT rows_copied FROM events_backfill_state")
cl_check_sync backfill events_partitioned
sleep 2                                  # mirrored forward

timed_apply swap "$swap_up"
[ "$(q "SELECT relkind FROM pg_class WHERE oid = 'public.events'::regclass")" = p ] ||
    cl_fail swap "events is not the partitioned table after the swap"
cl_check_sync swap events_old
sleep 2                                  # mirrored back into events_old

timed_apply swap.down "$swap_down"
[ "$(q "SELECT relkind FROM pg_class WHERE oid = 'public.events'::regclass")" = r ] ||
    cl_fail swap.down "events is not the plain table after the swap back"
[ "$(q "SELECT phase FROM events_backfill_state")" = "done" ] ||
    cl_fail swap.down "phase is not done after the swap back"
cl_check_sync swap.down events_partitioned
sleep 2                                  # mirrored forward again

timed_apply swap-again "$swap_up"
cl_check_sync swap-again events_old
sleep 2

cl_writers_stop || cl_fail writers "the writers did not finish within 60 s of being told to stop"
cl_writers_summary
[ "$cl_committed" -gt 0 ] || cl_fail writers "no writer transaction committed" "$CL_WORK/writer_w1.err"
for w in w1 w2 app; do
    [ "$(grep -c '^COMMIT$' "$CL_WORK/writer_$w.out")" -gt 0 ] ||
        cl_fail writers "writer $w committed nothing" "$CL_WORK/writer_$w.err"
done

# -- the end state, writers stopped ----------------------------------------------
cl_check_sync final events_old
n_rows=$(q "SELECT count(*) FROM events")
by_name=$(q "SELECT count(*) FROM events WHERE payload = 'by name'")
[ "$by_name" -gt 0 ] || cl_fail writers "no row was written through a partition by name after the swap" "$CL_WORK/writer_w1.err"
n_parts=$(q "SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.events'::regclass")
[ "$(q "SELECT relkind FROM pg_class WHERE oid = 'public.events'::regclass")" = p ] ||
    cl_fail final "events is not partitioned"
[ "$(q "SELECT relkind FROM pg_class WHERE oid = 'public.events_old'::regclass")" = r ] ||
    cl_fail final "events_old is not the plain table"
[ "$(q "SELECT phase FROM events_backfill_state")" = swapped ] ||
    cl_fail final "phase is not swapped"
dup=$(q "SELECT count(*) FROM (SELECT id FROM events GROUP BY id HAVING count(*) > 1) d")
[ "$dup" = 0 ] || cl_fail final "$dup ids are stored twice in events"

# every row in the partition of its month
wrong=$(q "SELECT count(*) FROM events WHERE tableoid::regclass::text <> to_char(created_at AT TIME ZONE 'UTC', '\"events_\"YYYY\"_\"MM')")
[ "$wrong" = 0 ] || cl_fail final "$wrong rows are not in the partition of their month"
[ "$n_parts" -ge 14 ] || cl_fail final "events has $n_parts partitions, expected at least 14 (2026-01 .. 2027-02)"

# RLS enabled and forced, the policy (same expression as the parent's) and
# the grant, on the table and on every partition
q "SELECT c.oid::regclass::text || ': rls ' || c.relrowsecurity || ', forced ' || c.relforcerowsecurity
          || ', policies ' || coalesce((SELECT string_agg(p.polname || ' ' || p.polcmd::text || ' ' || p.polroles::regrole[]::text
                                                         || ' ' || pg_get_expr(p.polqual, p.polrelid), '; ')
                                          FROM pg_policy p WHERE p.polrelid = c.oid), 'none')
          || ', grants ' || coalesce((SELECT string_agg(x.privilege_type, ',' ORDER BY x.privilege_type)
                                        FROM aclexplode(c.relacl) x WHERE x.grantee = 'partc_events_app'::regrole), 'none')
     FROM pg_class c
    WHERE c.oid = 'public.events'::regclass
       OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'public.events'::regclass)
    ORDER BY 1" >"$CL_WORK/security" 2>&1 || cl_fail security "catalog query failed" "$CL_WORK/security"
want_pol=$(q "SELECT pg_get_expr(polqual, polrelid) FROM pg_policy WHERE polrelid = 'public.events'::regclass AND polname = 'events_tenant'")
[ -n "$want_pol" ] || cl_fail security "events has no policy events_tenant"
want="rls true, forced true, policies events_tenant * {partc_events_app} $want_pol, grants DELETE,INSERT,SELECT,UPDATE"
bad=$(grep -v -F ": $want" "$CL_WORK/security")
[ -z "$bad" ] || { printf '%s\n' "expected each: $want" "$bad" >"$CL_WORK/bad"; cl_fail security "a partition is not secured like the table" "$CL_WORK/bad"; }
[ "$(wc -l <"$CL_WORK/security")" -eq $((n_parts + 1)) ] || cl_fail security "not every partition was checked" "$CL_WORK/security"

# the policy holds through the parent and through a partition named directly
r=$(q "SET ROLE partc_events_app; SET app.account_id = '7';
       SELECT (SELECT count(*) FROM events)::text || '|' || (SELECT count(*) FROM events WHERE account_id <> 7)::text
              || '|' || (SELECT count(*) FROM events_2026_03)::text" 2>"$CL_WORK/err") ||
    cl_fail security "reading as partc_events_app failed" "$CL_WORK/err"
e=$(q "SELECT (SELECT count(*) FROM events WHERE account_id = 7)::text || '|0|' || (SELECT count(*) FROM events_2026_03 WHERE account_id = 7)::text")
[ "$r" = "$e" ] || cl_fail security "partc_events_app sees $r (all|other accounts|events_2026_03), expected $e"

# ids continue: a row without id gets one above every id of both tables
r=$(q "WITH w AS (INSERT INTO events (account_id, payload, amount, created_at) VALUES (1, 'after the swap', 0, '2026-06-15') RETURNING *),
            m AS (INSERT INTO events_mirror SELECT * FROM w RETURNING id)
       SELECT (SELECT id FROM m)::text || '|' || ((SELECT id FROM m) > (SELECT max(id) FROM events)
                                   AND (SELECT id FROM m) > (SELECT max(id) FROM events_old))::text" 2>"$CL_WORK/err") ||
    cl_fail identity "INSERT without id failed" "$CL_WORK/err"
case $r in
    *\|true) ;;
    *) cl_fail identity "the new id ${r%|*} is not above every existing id (max events $(q "SELECT max(id) FROM events"), events_old $(q "SELECT max(id) FROM events_old"))" ;;
esac
cl_check_sync identity events_old

health=$(q "SELECT status FROM partc.partition_health WHERE table_name = 'public.events'")
[ "$health" = OK ] || cl_fail health "partc.partition_health says '$health'"

# -- cleanup -------------------------------------------------------------------
if $PSQL -X -q -v ON_ERROR_STOP=1 -f "$cleanup_up" >"$CL_WORK/cleanup-early.out" 2>&1; then
    cl_fail cleanup "cleanup ran before migrate.keep_old without partc.cleanup_now"
fi
grep -q 'is kept until' "$CL_WORK/cleanup-early.out" || cl_fail cleanup "early cleanup failed for another reason" "$CL_WORK/cleanup-early.out"
[ "$(q "SELECT to_regclass('public.events_old') IS NOT NULL")" = t ] || cl_fail cleanup "the refused cleanup dropped events_old"
PGOPTIONS="${PGOPTIONS:-} -c partc.cleanup_now=on" cl_apply cleanup "$cleanup_up"
r=$(q "SELECT (to_regclass('public.events_old') IS NULL)::text || '|' || (to_regclass('public.events_sync_log') IS NULL)::text
              || '|' || (to_regclass('public.events_backfill_state') IS NULL)::text
              || '|' || (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.events'::regclass AND NOT tgisinternal)::text")
[ "$r" = "true|true|true|0" ] || cl_fail cleanup "left behind (events_old gone|sync log gone|state gone|triggers): $r"
r=$(q "SELECT $(cl_diff events events_mirror)")
[ "$r" = "0|0" ] || cl_fail cleanup "events and events_mirror differ after the cleanup: $r"
if $PSQL -X -q -v ON_ERROR_STOP=1 -f "$cleanup_down" >"$CL_WORK/cleanup-down.out" 2>&1; then
    cl_fail cleanup.down "the rollback of cleanup succeeded; it must refuse"
fi

echo "ok convert_load ($ROWS rows, $copied copied by the backfill, $n_rows at the end in $n_parts partitions;" \
     "writers: $cl_committed transactions committed, $cl_failed failed [$cl_errors], $by_name rows written through a partition by name;" \
     "phases:$phase_times; lock-timeout retries $cl_retries; $(($(date +%s) - t0)) s)"
exit 0
