#!/bin/sh
# migrate.method: attach under load.  The plain table events of
# tests/pg/convert-load (30,000 rows by default: identity id, RLS, a policy
# and a grant) is converted without a copy (convert-load/attach/events.yaml,
# compiled with --as-of today, so the cutover is the first month that starts
# at least 7 days from now) while three writers (two as the owner, one as
# partc_events_app under RLS) insert, update, move rows between months and
# delete, each transaction writing the same rows to events_mirror.  The
# writers run through prepare, the concurrent index builds, backfill (which
# validates the bound and swaps the keys), swap, swap.down and swap again.
# Checked at every step with the writers running (one snapshot) and at the
# end: events equals the mirror row for row, no row was copied, events_old
# is the partition of every row before the cutover and holds them all, ids
# continue, every partition is secured like the table.  Then: a row written
# from the cutover on after the swap goes back with the swap's rollback (one
# that breaks the table's own key is refused, named)
# (which drops the bound, and the swap refuses until the backfill is done
# again), the rollbacks of backfill and prepare give the plain table back,
# the prepare refuses while such a row is there, and once it is gone every
# phase applies again; the cleanup refuses before keep_old, applies with
# partc.cleanup_now (retention would drop events_old once all of it is past
# keep, not before), and its rollback swaps the conversion again.
#
# Runs inside the cluster of run-all.sh, or starts its own when PGHOST is
# unset.  Prints one line: ok convert_attach (figures) or FAIL convert_attach: ...
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
dir=$here/convert-load
ROWS=${CONVERT_ATTACH_ROWS:-30000}
. "$here/lib.sh"
. "$dir/common.sh"
. "$dir/writers.sh"

cl_init convert_attach partc_convert_attach
t0=$(date +%s)
today=$(date -u +%Y-%m-%d)

# -- the migrations ----------------------------------------------------------
"$PARTC" compile "$dir/attach" --out "$CL_WORK/out" --as-of "$today" ${PARTC_POSTGRES:+--postgres "$PARTC_POSTGRES"} \
    >"$CL_WORK/compile.out" 2>&1 ||
    cl_fail compile "partc compile exited $?" "$CL_WORK/compile.out"
mig() {  # the migration file of phase $1, way $2 (up | down)
    for m in "$CL_WORK/out/"*"_events_$1.$2.sql"; do
        [ -f "$m" ] && echo "$m" && return 0
    done
    return 1
}
for ph in prepare backfill_index_1 backfill_index_2 backfill swap cleanup; do
    for way in up down; do
        f=$(mig $ph $way) || cl_fail compile "no $ph.$way migration" "$CL_WORK/compile.out"
        eval "m_$(echo "$ph" | tr -d _)_$way=\$f"
    done
done
[ "$(ls "$CL_WORK/out/"*_events_backfill_index_3.up.sql 2>/dev/null)" = "" ] ||
    cl_fail compile "more index builds than the primary key needs" "$CL_WORK/compile.out"
runtime_up=$(ls "$CL_WORK/out/"*_partc_runtime_v1.up.sql) || cl_fail compile "no runtime migration" "$CL_WORK/compile.out"
cutover=$(sed -n "s/.* AND created_at < '\([0-9-]*\) 00:00:00+00') NOT VALID;/\1/p" "$m_prepare_up")
[ -n "$cutover" ] || cl_fail compile "no cutover in the prepare migration" "$m_prepare_up"

# -- the live table ----------------------------------------------------------
$PSQL -X -q -v rows="$ROWS" -f "$dir/setup.sql" >"$CL_WORK/setup.out" 2>&1 ||
    cl_fail setup "setup.sql failed" "$CL_WORK/setup.out"
cl_apply runtime "$runtime_up"
q "SELECT now() >= '2026-01-01'" | grep -q t || cl_fail setup "the clock ($(date -u)) is before partition.start 2026-01-01"
relfile=$(q "SELECT pg_relation_filenode('events')")

phase_times=""
timed_apply() {
    s=$(date +%s)
    cl_apply "$1" "$2"
    phase_times="$phase_times $1 $(($(date +%s) - s))s"
}
all_ups() {  # $1: a suffix for the step names
    timed_apply "prepare$1" "$m_prepare_up"
    timed_apply "index_1$1" "$m_backfillindex1_up"
    timed_apply "index_2$1" "$m_backfillindex2_up"
    timed_apply "backfill$1" "$m_backfill_up"
    [ "$(q "SELECT phase || '/' || rows_copied FROM events_backfill_state")" = done/0 ] ||
        cl_fail "backfill$1" "state after the backfill: $(q "SELECT phase || '/' || rows_copied FROM events_backfill_state")"
}

# -- the conversion, with the writers running -----------------------------------
CL_BYNAME_PART=events_old
export CL_BYNAME_PART
cl_writer_start w1 admin
cl_writer_start w2 admin
cl_writer_start app app
sleep 2
cl_writers_alive || cl_fail writers "a writer did not start" "$CL_WORK/writer_w1.err"

all_ups ""
cl_check_sync backfill events_mirror
sleep 1
timed_apply swap "$m_swap_up"
[ "$(q "SELECT relkind FROM pg_class WHERE oid = 'public.events'::regclass")" = p ] ||
    cl_fail swap "events is not the partitioned table after the swap"
[ "$(q "SELECT pg_relation_filenode('events_old')")" = "$relfile" ] ||
    cl_fail swap "events_old is not the table's own storage: it was rewritten"
cl_check_sync swap events_old
sleep 2                                   # writes through the partitioned table and to events_old by name
timed_apply swap.down "$m_swap_down"
[ "$(q "SELECT relkind FROM pg_class WHERE oid = 'public.events'::regclass")" = r ] ||
    cl_fail swap.down "events is not the plain table after the swap back"
[ "$(q "SELECT phase FROM events_backfill_state")" = done ] || cl_fail swap.down "phase is not done after the swap back"
cl_check_sync swap.down events_mirror
sleep 1
timed_apply swap-again "$m_swap_up"
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
cl_check_sync final events_mirror
n_rows=$(q "SELECT count(*) FROM events")
[ "$(q "SELECT count(*) FROM ONLY events_old")" = "$n_rows" ] || cl_fail final "not every row is in events_old"
by_name=$(q "SELECT count(*) FROM events WHERE payload = 'by name'")
[ "$by_name" -gt 0 ] || cl_fail writers "no row was written to events_old by name after the swap" "$CL_WORK/writer_w1.err"
[ "$(q "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE oid = 'events_old'::regclass")" = \
  "FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('$cutover 00:00:00+00')" ] ||
    cl_fail final "events_old: $(q "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE oid = 'events_old'::regclass"), cutover $cutover"
n_parts=$(q "SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.events'::regclass")
# every index and the primary key of events adopted the table's own, none built
[ "$(q "SELECT count(*) FROM pg_index i JOIN pg_inherits x ON x.inhrelid = i.indexrelid
        WHERE i.indrelid = 'events_old'::regclass")" = 2 ] || cl_fail final "events_old's indexes are not the parts of events's"
dup=$(q "SELECT count(*) FROM (SELECT id FROM events GROUP BY id HAVING count(*) > 1) d")
[ "$dup" = 0 ] || cl_fail final "$dup ids are stored twice in events"
q "SELECT c.oid::regclass::text || ': ' || c.relrowsecurity || c.relforcerowsecurity
          || coalesce((SELECT string_agg(p.polname, ',') FROM pg_policy p WHERE p.polrelid = c.oid), '-')
          || coalesce((SELECT string_agg(x.privilege_type, ',' ORDER BY x.privilege_type)
                         FROM aclexplode(c.relacl) x WHERE x.grantee = 'partc_events_app'::regrole), '-')
     FROM pg_class c
    WHERE c.oid = 'public.events'::regclass OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'public.events'::regclass)
    ORDER BY 1" >"$CL_WORK/security" 2>&1 || cl_fail security "catalog query failed" "$CL_WORK/security"
bad=$(grep -v -F ": truetrueevents_tenantDELETE,INSERT,SELECT,UPDATE" "$CL_WORK/security")
[ -z "$bad" ] || cl_fail security "a partition is not secured like the table" "$CL_WORK/security"
r=$(q "WITH w AS (INSERT INTO events (account_id, payload, amount, created_at) VALUES (1, 'after the swap', 0, '2026-06-15') RETURNING *),
            m AS (INSERT INTO events_mirror SELECT * FROM w RETURNING id)
       SELECT ((SELECT id FROM m) > (SELECT max(id) FROM events WHERE payload <> 'after the swap'))::text" 2>"$CL_WORK/err") ||
    cl_fail identity "INSERT without id failed" "$CL_WORK/err"
[ "$r" = true ] || cl_fail identity "the new id is not above every existing id"

# -- a row from the cutover on, then the rollbacks --------------------------------
q "WITH w AS (INSERT INTO events (account_id, payload, amount, created_at) VALUES (2, 'after the cutover', 0, timestamptz '$cutover 00:00:00+00' + interval '3 days') RETURNING *)
   INSERT INTO events_mirror SELECT * FROM w" >/dev/null 2>"$CL_WORK/err" || cl_fail cutover "insert after the cutover" "$CL_WORK/err"
[ "$(q "SELECT tableoid::regclass FROM events WHERE payload = 'after the cutover'")" != events_old ] ||
    cl_fail cutover "the row after the cutover is in events_old"
# a row after the cutover whose id is an old row's: the partitioned table
# takes it ((id, created_at) is its key), the table it goes back to cannot
q "INSERT INTO events (id, account_id, payload, amount, created_at)
   SELECT id, 3, 'same id', 0, timestamptz '$cutover 00:00:00+00' + interval '4 days' FROM events_old ORDER BY id LIMIT 1" >/dev/null 2>"$CL_WORK/err" ||
    cl_fail cutover "insert with an old id after the cutover" "$CL_WORK/err"
if $PSQL -X -q -v ON_ERROR_STOP=1 -f "$m_swap_down" >"$CL_WORK/swap.down-refused.out" 2>&1; then
    cl_fail swap.down-refused "the swap's rollback moved a row that breaks the table's key"
fi
grep -q "cannot go back into public.events_old" "$CL_WORK/swap.down-refused.out" && grep -q "events_old_id_key" "$CL_WORK/swap.down-refused.out" ||
    cl_fail swap.down-refused "refused for another reason" "$CL_WORK/swap.down-refused.out"
[ "$(q "SELECT relkind FROM pg_class WHERE oid = 'public.events'::regclass")" = p ] || cl_fail swap.down-refused "the refused rollback changed events"
q "DELETE FROM events WHERE payload = 'same id'" >/dev/null
cl_apply swap.down-moved "$m_swap_down"
grep -q "is dropped" "$CL_WORK/swap.down-moved.err" || cl_fail swap.down-moved "no NOTICE that the bound is dropped" "$CL_WORK/swap.down-moved.err"
r=$(q "SELECT $(cl_diff events events_mirror)")
[ "$r" = "0|0" ] || cl_fail swap.down-moved "events and events_mirror differ after the swap back: $r"
if $PSQL -X -q -v ON_ERROR_STOP=1 -f "$m_swap_up" >"$CL_WORK/swap-refused.out" 2>&1; then
    cl_fail swap-refused "the swap ran again without the bound"
fi
grep -q "is not complete" "$CL_WORK/swap-refused.out" || cl_fail swap-refused "refused for another reason" "$CL_WORK/swap-refused.out"
for s in backfill backfillindex2 backfillindex1 prepare; do
    eval "f=\$m_${s}_down"
    cl_apply "$s.down" "$f"
done
r=$(q "SELECT relkind::text || '|' || (SELECT count(*) FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype IN ('p', 'u', 'c', 'f'))::text
              || '|' || (SELECT string_agg(pg_get_constraintdef(oid), ' ') FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'p')
              || '|' || (SELECT count(*) FROM pg_index WHERE indrelid = 'events'::regclass)::text
              || '|' || (to_regclass('events_partitioned') IS NULL)::text || '|' || (SELECT count(*) FROM partc.tables)::text
         FROM pg_class WHERE oid = 'events'::regclass")
[ "$r" = "r|1|PRIMARY KEY (id)|2|true|0" ] || cl_fail rollback "not the plain table as it was (kind|constraints|key|indexes|no shadow|registered): $r"
r=$(q "SELECT $(cl_diff events events_mirror)")
[ "$r" = "0|0" ] || cl_fail rollback "events and events_mirror differ after the rollbacks: $r"
if $PSQL -X -q -v ON_ERROR_STOP=1 -f "$m_prepare_up" >"$CL_WORK/prepare-refused.out" 2>&1; then
    cl_fail prepare-refused "the prepare ran with a row after the cutover"
fi
grep -q "at or after the cutover" "$CL_WORK/prepare-refused.out" || cl_fail prepare-refused "refused for another reason" "$CL_WORK/prepare-refused.out"
q "DELETE FROM events WHERE payload = 'after the cutover'" "DELETE FROM events_mirror WHERE payload = 'after the cutover'" >/dev/null
# again where REPEATABLE READ is the default: the backfill's transactions are READ COMMITTED
PGOPTIONS="${PGOPTIONS:-} -c default_transaction_isolation=repeatable\ read" all_ups " again"
timed_apply "swap again" "$m_swap_up"
cl_check_sync "swap again" events_mirror

# -- cleanup -------------------------------------------------------------------
if $PSQL -X -q -v ON_ERROR_STOP=1 -f "$m_cleanup_up" >"$CL_WORK/cleanup-early.out" 2>&1; then
    cl_fail cleanup "cleanup ran before migrate.keep_old without partc.cleanup_now"
fi
grep -q 'is kept until' "$CL_WORK/cleanup-early.out" || cl_fail cleanup "early cleanup failed for another reason" "$CL_WORK/cleanup-early.out"
PGOPTIONS="${PGOPTIONS:-} -c partc.cleanup_now=on" cl_apply cleanup "$m_cleanup_up"
r=$(q "SELECT (to_regclass('public.events_backfill_state') IS NULL)::text || '|' || phase FROM partc.tables")
[ "$r" = "true|live" ] || cl_fail cleanup "after the cleanup (state gone|phase): $r"
# retention drops events_old as any partition: once all of it is past keep
r=$(q "SELECT (SELECT count(*) FROM partc.retention_candidates('public', 'events') WHERE part = 'events_old'::regclass)::text || '|' ||
              (SELECT count(*) FROM partc.retention_candidates('public', 'events', timestamptz '$cutover' + interval '12 months' - interval '1 day')
                WHERE part = 'events_old'::regclass)::text || '|' ||
              (SELECT count(*) FROM partc.retention_candidates('public', 'events', timestamptz '$cutover' + interval '12 months')
                WHERE part = 'events_old'::regclass)::text")
[ "$r" = "0|0|1" ] || cl_fail retention "events_old as a retention candidate (now|a day before cutover + keep|then): $r"
cl_apply cleanup.down "$m_cleanup_down"
[ "$(q "SELECT phase FROM partc.tables")|$(q "SELECT phase FROM events_backfill_state")" = "swap|swapped" ] ||
    cl_fail cleanup.down "the cleanup's rollback did not swap the conversion again"
cl_apply swap.down-after-cleanup "$m_swap_down"
r=$(q "SELECT relkind FROM pg_class WHERE oid = 'public.events'::regclass")
[ "$r" = r ] || cl_fail swap.down-after-cleanup "events is not the plain table"
r=$(q "SELECT $(cl_diff events events_mirror)")
[ "$r" = "0|0" ] || cl_fail swap.down-after-cleanup "events and events_mirror differ: $r"

echo "ok convert_attach ($ROWS rows, 0 copied, $n_rows at the end in $n_parts partitions (events_old up to $cutover);" \
     "writers: $cl_committed transactions committed, $cl_failed failed [$cl_errors], $by_name rows written to events_old by name;" \
     "phases:$phase_times; lock-timeout retries $cl_retries; $(($(date +%s) - t0)) s)"
exit 0
