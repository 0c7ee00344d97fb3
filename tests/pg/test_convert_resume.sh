#!/bin/sh
# mode: convert, an interrupted backfill resumes.  A plain table events with
# 200,000 rows (tests/pg/convert-load/resume/events.yaml: batches of 2000
# rows) is prepared, then, while two writers (one as the owner, one as
# partc_events_app under RLS) insert, update, move rows between months and
# delete, each transaction writing the same rows to events_mirror:
#   1. CALL partc.backfill('public', 'events', 2000) is cancelled (pg_cancel_backend) in the
#      middle of its copy: the state keeps its progress (phase copy,
#      rows_copied > 0 and exactly the rows in the shadow);
#   2. the generated backfill migration is applied and cancelled the same
#      way: it resumed (its NOTICE says so) and went further;
#   3. the migration again: it finishes (phase done), and the shadow equals
#      the table and the mirror (EXCEPT ALL both ways, one snapshot), no key
#      twice;
#   4. the backfill rollback empties the shadow; a CALL cancelled in a session
#      that stays connected, and the migration applied from another session
#      must resume and finish as well.
# Runs inside the cluster of run-all.sh, or starts its own when PGHOST is
# unset.  Prints one line: ok convert_resume (figures) or FAIL ...
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
dir=$here/convert-load
ROWS=${CONVERT_RESUME_ROWS:-200000}
. "$here/lib.sh"
. "$dir/common.sh"
. "$dir/writers.sh"

cl_init convert_resume partc_convert_resume
t0=$(date +%s)

"$PARTC" compile "$dir/resume" --out "$CL_WORK/out" --as-of 2026-11-22 >"$CL_WORK/compile.out" 2>&1 ||
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
backfill_down=$(mig backfill down) || cl_fail compile "no backfill.down migration" "$CL_WORK/compile.out"
grep -q "^CALL partc.backfill('public', 'events');\$" "$backfill_up" ||
    cl_fail compile "the backfill migration is not 'CALL partc.backfill('public', 'events');'" "$backfill_up"

$PSQL -X -q -v rows="$ROWS" -f "$dir/setup.sql" >"$CL_WORK/setup.out" 2>&1 ||
    cl_fail setup "setup.sql failed" "$CL_WORK/setup.out"
cl_apply runtime "$runtime_up"
q "SELECT now() >= '2026-01-01' AND now() < '2100-01-01'" | grep -q t ||
    cl_fail setup "the clock ($(date -u)) is before partition.start 2026-01-01: rows written with created_at = now() would have no partition"

cl_writer_start w1 admin
cl_writer_start app app
sleep 1
cl_writers_alive || cl_fail writers "a writer did not start" "$CL_WORK/writer_w1.err"
cl_apply prepare "$prepare_up"
sleep 1

state() {
    q "SELECT phase || '|' || rows_copied || '|' || next_page || '|' || (SELECT count(*) FROM events_partitioned)
         FROM events_backfill_state"
}

# Start a backfill in the background: $1 = step (application_name
# partc_<step>), then the psql arguments.  Sets bf_pid.
start_backfill() {
    s=$1
    shift
    (PGAPPNAME="partc_$s" $PSQL -X "$@" >"$CL_WORK/$s.out" 2>"$CL_WORK/$s.err") 2>/dev/null &
    bf_pid=$!
    cl_bg_pids="$cl_bg_pids $bf_pid"
}

# Wait until the backfill of step $1 copies and rows_copied is above $2,
# then cancel its statement; wait for the cancel to take (the backend is no
# longer in the CALL).  Sets st (the state after the cancel).
cancel_in_copy() {
    s=$1
    above=$2
    i=0
    while :; do
        st=$(state) || cl_fail "$s" "cannot read the backfill state"
        case $st in
            copy\|*)
                n=$(echo "$st" | cut -d'|' -f2)
                [ "$n" -gt "$above" ] && break
                ;;
            new\|*) ;;
            *) cl_fail "$s" "the backfill left the copy before it could be cancelled (state $st); the test needs a slower copy" "$CL_WORK/$s.err" ;;
        esac
        i=$((i + 1))
        [ "$i" -lt 1200 ] || cl_fail "$s" "the backfill did not start copying within 60 s (state $st)" "$CL_WORK/$s.err"
        kill -0 "$bf_pid" 2>/dev/null || cl_fail "$s" "the backfill session ended before it was cancelled (state $st)" "$CL_WORK/$s.err"
        sleep 0.05
    done
    r=$(q "SELECT count(*) FILTER (WHERE pg_cancel_backend(pid)) FROM pg_stat_activity
            WHERE application_name = 'partc_$s' AND query LIKE '%CALL partc.backfill%' AND state = 'active'")
    [ "$r" = 1 ] || cl_fail "$s" "cancelled $r backends running the backfill, expected 1"
    i=0
    while [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'partc_$s' AND query LIKE '%CALL partc.backfill%' AND state = 'active'")" != 0 ]; do
        i=$((i + 1))
        [ "$i" -lt 200 ] || cl_fail "$s" "the cancelled backfill still runs after 10 s"
        sleep 0.05
    done
    st=$(state)
}

# After a cancel: still copying, progress kept, the shadow holds exactly the
# rows counted (each batch commits its rows and its progress together).
check_kept() {
    s=$1
    above=$2
    grep -q 'canceling statement due to user request' "$CL_WORK/$s.err" ||
        cl_fail "$s" "the backfill was not cancelled by the request (state $st)" "$CL_WORK/$s.err"
    phase=$(echo "$st" | cut -d'|' -f1)
    copied=$(echo "$st" | cut -d'|' -f2)
    page=$(echo "$st" | cut -d'|' -f3)
    shadow=$(echo "$st" | cut -d'|' -f4)
    [ "$phase" = copy ] || cl_fail "$s" "phase is '$phase' after the cancel, expected copy"
    [ "$copied" -gt "$above" ] || cl_fail "$s" "rows_copied is $copied after the cancel, expected above $above"
    [ "$page" -gt 0 ] || cl_fail "$s" "next_page is $page after the cancel"
    [ "$copied" -lt "$ROWS" ] || cl_fail "$s" "rows_copied is $copied: the copy was not interrupted"
    [ "$shadow" = "$copied" ] || cl_fail "$s" "the shadow holds $shadow rows, rows_copied says $copied"
}

# 1. CALL with small batches, cancelled; the session ends with the error
start_backfill cancel-call -v ON_ERROR_STOP=1 -c "CALL partc.backfill('public', 'events', 2000)"
cancel_in_copy cancel-call 0
wait "$bf_pid" && cl_fail cancel-call "the cancelled CALL exited 0" "$CL_WORK/cancel-call.err"
check_kept cancel-call 0
copied1=$copied
page1=$page
sleep 1                                  # writes while no backfill runs

# 2. the generated migration resumes, and is cancelled too
start_backfill cancel-migration -v ON_ERROR_STOP=1 -f "$backfill_up"
cancel_in_copy cancel-migration "$copied1"
wait "$bf_pid" && cl_fail cancel-migration "the cancelled migration exited 0" "$CL_WORK/cancel-migration.err"
check_kept cancel-migration "$copied1"
grep -q 'resuming the backfill' "$CL_WORK/cancel-migration.err" ||
    cl_fail cancel-migration "the migration did not say it resumed" "$CL_WORK/cancel-migration.err"
[ "$page" -gt "$page1" ] || cl_fail cancel-migration "next_page went from $page1 to $page"
copied2=$copied
sleep 1

# 3. the migration again, to the end
cl_apply resume "$backfill_up"
grep -q 'resuming the backfill' "$CL_WORK/resume.err" ||
    cl_fail resume "the migration did not say it resumed" "$CL_WORK/resume.err"
st=$(state)
phase=$(echo "$st" | cut -d'|' -f1)
copied3=$(echo "$st" | cut -d'|' -f2)
[ "$phase" = "done" ] || cl_fail resume "phase is '$phase' after the backfill, not done" "$CL_WORK/resume.err"
[ "$copied3" -gt "$copied2" ] || cl_fail resume "rows_copied went from $copied2 to $copied3"
cl_check_sync resume events_partitioned
sleep 1

# 4. roll the backfill back, cancel a CALL in a session that stays connected,
#    apply the migration from another session
cl_apply backfill.down "$backfill_down"
st=$(state)
[ "$st" = "new|0|0|0" ] || cl_fail backfill.down "state is $st (phase|rows_copied|next_page|shadow rows), expected new|0|0|0"
sleep 1
(printf '%s\n' "CALL partc.backfill('public', 'events', 2000);" "SELECT pg_sleep(120);" |
    PGAPPNAME=partc_cancel-in-open-session $PSQL -X >"$CL_WORK/cancel-in-open-session.out" 2>"$CL_WORK/cancel-in-open-session.err") 2>/dev/null &
bf_pid=$!
session_pid=$bf_pid
cl_bg_pids="$cl_bg_pids $bf_pid"
cancel_in_copy cancel-in-open-session 0
st=$(state)
check_kept cancel-in-open-session 0
copied4=$copied
i=0
until [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'partc_cancel-in-open-session' AND query LIKE 'SELECT pg_sleep%'")" = 1 ]; do
    i=$((i + 1))
    [ "$i" -lt 200 ] || cl_fail cancel-in-open-session "the session did not go on after the cancel" "$CL_WORK/cancel-in-open-session.err"
    sleep 0.05
done
cl_apply resume-from-other-session "$backfill_up"
grep -q 'resuming the backfill' "$CL_WORK/resume-from-other-session.err" ||
    cl_fail resume-from-other-session "the migration did not say it resumed" "$CL_WORK/resume-from-other-session.err"
st=$(state)
phase=$(echo "$st" | cut -d'|' -f1)
copied5=$(echo "$st" | cut -d'|' -f2)
[ "$phase" = "done" ] || cl_fail resume-from-other-session "phase is '$phase' after the backfill, not done" "$CL_WORK/resume-from-other-session.err"
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'partc_cancel-in-open-session'" >/dev/null
wait "$session_pid" 2>/dev/null
cl_check_sync resume-from-other-session events_partitioned
sleep 1

cl_writers_stop || cl_fail writers "the writers did not finish within 60 s of being told to stop"
cl_writers_summary
for w in w1 app; do
    [ "$(grep -c '^COMMIT$' "$CL_WORK/writer_$w.out")" -gt 0 ] ||
        cl_fail writers "writer $w committed nothing" "$CL_WORK/writer_$w.err"
done

# the end state, writers stopped: mirrored exactly, no key twice
cl_check_sync final events_partitioned
n_rows=$(q "SELECT count(*) FROM events")
dup=$(q "SELECT count(*) FROM (SELECT id FROM events_partitioned GROUP BY id HAVING count(*) > 1) d")
[ "$dup" = 0 ] || cl_fail final "$dup ids are stored twice in the shadow"
wrong=$(q "SELECT count(*) FROM events_partitioned WHERE tableoid::regclass::text <> to_char(created_at AT TIME ZONE 'UTC', '\"events_\"YYYY\"_\"MM')")
[ "$wrong" = 0 ] || cl_fail final "$wrong rows of the shadow are not in the partition of their month"
[ "$(q "SELECT phase FROM events_backfill_state")" = "done" ] || cl_fail final "phase is not done"

echo "ok convert_resume ($ROWS rows; cancelled at $copied1 then $copied2 rows copied, finished with $copied3;" \
     "after the rollback cancelled at $copied4, finished with $copied5; $n_rows rows at the end;" \
     "writers: $cl_committed transactions committed, $cl_failed failed [$cl_errors]; lock-timeout retries $cl_retries; $(($(date +%s) - t0)) s)"
exit 0
