#!/bin/sh
# Retention and the partition function never make the table's readers wait.
# Four monthly tables (settings.lock_timeout 5s): ev_detach, ev_drop and
# ev_archive with retention by detach, drop and archive, ev_plain without
# retention but with a default partition.  A long reader holds ACCESS SHARE
# on the tables while a second reader (pgbench, 100 transactions a second,
# one SELECT per table) runs; its worst wait must stay below 1 s, which the
# plain DETACH / DROP / CREATE TABLE ... PARTITION OF under the table's 5 s
# lock_timeout exceed.  Checked:
#   blocked   with the long reader on every table: retention and the partition
#             function get no lock, retire and create nothing, say so in a
#             WARNING naming what they left, and change no catalog entry
#   partial   with the long reader on one partition by name: retention retires
#             the partitions before it, then stops without waiting; a pg_cron
#             style command (two SELECTs, one transaction) does both functions
#   next run  once the long reader ended, the next run does the rest (and the
#             partition function moves a row out of the default partition)
#   concurrent  partc.retire_statements run through psql's \gexec detach with
#             DETACH ... CONCURRENTLY while the long reader runs: the second
#             reader never waits, the detach completes when the long reader ends
#   interrupted  a concurrent detach cut short by lock_timeout leaves the
#             partition pending: the function leaves it while the long reader
#             runs, then finalizes it; the statements start with FINALIZE
#   fallback  with a default partition, the one statement is the function
# Clocks are passed as p_now; nothing depends on the day.  Runs inside the
# cluster of run-all.sh, or starts its own when PGHOST is unset.  Prints one
# line: ok retention_locks (figures) or FAIL retention_locks: ...
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
BOUND_MS=1000
. "$here/lib.sh"
. "$here/convert-load/common.sh"
. "$here/convert-load/writers.sh"

cl_init retention_locks partc_retention_locks
W=$CL_WORK
if [ -n "${PARTC_PG_BIN:-}" ] && [ -x "$PARTC_PG_BIN/pgbench" ]; then PGBENCH=$PARTC_PG_BIN/pgbench; else PGBENCH=pgbench; fi
t0=$(date +%s)

# -- the tables ---------------------------------------------------------------
mkdir -p "$W/spec"
table() {  # name, extra partition keys, retention line
    cat <<YAML
  $1:
    columns:
      id:       { type: bigint, identity: always }
      taken_at: { type: timestamptz, nullable: false }
    primary_key: [id, taken_at]
    partition: { key: taken_at, interval: monthly, start: 2026-01-01, premake: 1$2 }
$3
YAML
}
{
    printf '%s\n' "version: 1" "settings: { lock_timeout: 5s }" "tables:"
    table ev_detach "" "    retention: { keep: 1 month, action: detach }"
    table ev_drop "" "    retention: { keep: 1 month, action: drop }"
    table ev_archive "" "    retention: { keep: 1 month, action: archive, archive_schema: ev_cold }"
    table ev_plain ", default_partition: true" ""
} >"$W/spec/locks.yaml"
"$PARTC" compile "$W/spec" --out "$W/out" --as-of 2026-11-22 >"$W/compile.out" 2>&1 ||
    cl_fail compile "partc compile exited $?" "$W/compile.out"
for f in "$W/out/"*.up.sql; do
    $PSQL -X -q -v ON_ERROR_STOP=1 -f "$f" >"$W/up.out" 2>&1 || cl_fail up "$(basename "$f") failed" "$W/up.out"
done
# the migrations ran the partition functions with the real clock: drop what
# they made after the static ranges (2026-01 .. 2026-12)
printf '%s\n' "SELECT format('DROP TABLE %s', c.oid::regclass) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE c.relname ~ '^ev_[a-z]+_[0-9]{4}_[0-9]{2}\$' AND right(c.relname, 7) > '2026_12' \gexec" |
    $PSQL -X -q -v ON_ERROR_STOP=1 >"$W/trim.out" 2>&1 || cl_fail setup "trim failed" "$W/trim.out"
for t in ev_detach ev_drop ev_archive; do
    q "INSERT INTO $t (taken_at) SELECT g FROM generate_series(timestamptz '2026-01-15', '2026-09-15', '1 month') g" \
        >/dev/null 2>"$W/err" || cl_fail setup "insert into $t" "$W/err"
done
q "INSERT INTO ev_plain (taken_at) VALUES ('2026-05-05'), ('2027-01-20')" >/dev/null 2>"$W/err" ||
    cl_fail setup "insert into ev_plain" "$W/err"
[ "$(q "SELECT tableoid::regclass FROM ev_plain WHERE taken_at = '2027-01-20'")" = ev_plain_default ] ||
    cl_fail setup "the 2027-01 row of ev_plain is not in its default partition"

# relations of the tables, with partition and pending-detach flags
state() {
    q "SELECT string_agg(n.nspname || '.' || c.relname || ':' || c.relispartition::text
                         || coalesce(':' || (SELECT i.inhdetachpending::text FROM pg_inherits i WHERE i.inhrelid = c.oid), ''),
                         ' ' ORDER BY n.nspname, c.relname)
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('public', 'ev_cold') AND c.relname LIKE 'ev\\_%'"
}
parts() {  # the partitions of table $1, by name
    q "SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = '$1'::regclass"
}
plain() {  # true when every name of $2... is a table of schema $1 that is no partition
    _s=$1
    shift
    for _n in "$@"; do
        [ "$(q "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = '$_s' AND c.relname = '$_n' AND c.relkind = 'r' AND NOT c.relispartition")" = 1 ] || return 1
    done
}
gone() {
    for _n in "$@"; do
        [ "$(q "SELECT to_regclass('$_n') IS NULL")" = t ] || return 1
    done
}
forget() {  # a background job that ended
    _keep=""
    for _p in $cl_bg_pids; do [ "$_p" = "$1" ] || _keep="$_keep $_p"; done
    cl_bg_pids=$_keep
}
wait_for() {  # $1 what, $2 SQL that returns t when it is so; 30 s at most
    _i=0
    until [ "$(q "$2")" = t ]; do
        _i=$((_i + 1))
        [ "$_i" -lt 300 ] || cl_fail "$1" "not so after 30 s: $2"
        sleep 0.1
    done
}

# -- the two readers ------------------------------------------------------------
long_reader_start() {  # $1: what it reads inside its transaction
    printf '%s\n' "SET application_name = 'partc_long_reader';" "BEGIN;" "$1" "SELECT pg_sleep(600);" "COMMIT;" |
        $PSQL -X -q -v ON_ERROR_STOP=1 >"$W/long_reader.out" 2>&1 &
    lr_pid=$!
    cl_bg_pids="$cl_bg_pids $lr_pid"
    wait_for long_reader "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'partc_long_reader' AND wait_event = 'PgSleep')"
}
long_reader_stop() {
    q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'partc_long_reader'" >/dev/null
    wait "$lr_pid" 2>/dev/null
    forget "$lr_pid"
}
printf '%s\n' "SELECT count(*) FROM ev_detach;" "SELECT count(*) FROM ev_drop;" \
    "SELECT count(*) FROM ev_archive;" "SELECT count(*) FROM ev_plain;" >"$W/reader.sql"
reader_start() {
    rm -f "$W"/reader_log*
    PGAPPNAME=partc_second_reader $PGBENCH -n -c 1 -R 100 -T 600 -f "$W/reader.sql" -l --log-prefix="$W/reader_log" \
        >"$W/reader.out" 2>&1 &
    rd_pid=$!
    cl_bg_pids="$cl_bg_pids $rd_pid"
    wait_for second_reader "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'partc_second_reader')"
    sleep 0.2
}
worst_ms=0
reader_stop() {  # $1 the step: its worst wait (ms) must stay below the bound
    q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'partc_second_reader'" >/dev/null
    wait "$rd_pid" 2>/dev/null
    forget "$rd_pid"
    # per transaction: latency minus schedule lag (microseconds) = its own run time
    set -- "$1" $(cat "$W"/reader_log* 2>/dev/null | awk '{ v = $3 - $7; if (v > m) m = v; n++ } END { printf "%d %d", m / 1000, n }')
    [ "${3:-0}" -ge 10 ] || cl_fail "$1" "the second reader ran ${3:-0} transactions" "$W/reader.out"
    [ "$2" -lt "$BOUND_MS" ] || cl_fail "$1" "the second reader waited $2 ms (bound $BOUND_MS ms) in one of $3 transactions"
    [ "$2" -le "$worst_ms" ] || worst_ms=$2
    figures="$figures $1 ${2}ms/$3;"
}
figures=""
call() {  # $1 name, $2 SQL: result in $W/$1.out, messages in $W/$1.err, status in rc_$1
    $PSQL -X -q -At -v ON_ERROR_STOP=1 -c "$2" >"$W/$1.out" 2>"$W/$1.err"
    eval "rc_$1=\$?"
}
expect() {  # $1 name, $2 wanted output, $3 a text the messages must hold ("" for none)
    eval "_rc=\$rc_$1"
    [ "$_rc" = 0 ] || cl_fail "$1" "exited $_rc" "$W/$1.err"
    _got=$(tr '\n' ' ' <"$W/$1.out" | sed 's/ $//')
    [ "$_got" = "$2" ] || cl_fail "$1" "returned '$_got', expected '$2'" "$W/$1.err"
    if [ -n "$3" ]; then
        grep -q -F -- "$3" "$W/$1.err" || cl_fail "$1" "no message with: $3" "$W/$1.err"
    elif [ -s "$W/$1.err" ]; then
        cl_fail "$1" "unexpected messages" "$W/$1.err"
    fi
}
statements() {  # $1 name, $2 table, $3 p_now [, $4 PGOPTIONS]: the statements of $2 through \gexec, in the background
    printf '%s\n' "SELECT s FROM partc.retire_statements('public', '$2', '$3') s \\gexec" |
        PGOPTIONS="${PGOPTIONS:-} ${4:-}" PGAPPNAME=partc_statements $PSQL -X -q -v ON_ERROR_STOP=1 >"$W/$1.out" 2>"$W/$1.err" &
    st_pid=$!
    cl_bg_pids="$cl_bg_pids $st_pid"
}
statements_wait() {  # sets st_rc
    wait "$st_pid"
    st_rc=$?
    forget "$st_pid"
}
pending() {
    echo "SELECT coalesce((SELECT inhdetachpending FROM pg_inherits WHERE inhrelid = to_regclass('$1')), false)"
}

# -- blocked: the long reader on every table --------------------------------------
before=$(state)
long_reader_start "SELECT count(*) FROM ev_detach; SELECT count(*) FROM ev_drop; SELECT count(*) FROM ev_archive; SELECT count(*) FROM ev_plain;"
reader_start
s=$(date +%s)
call blocked_detach "SELECT partc.apply_retention('public', 'ev_detach', '2026-06-15')"
call blocked_drop "SELECT partc.apply_retention('public', 'ev_drop', '2026-06-15')"
call blocked_archive "SELECT partc.apply_retention('public', 'ev_archive', '2026-06-15')"
call blocked_create "SELECT partc.create_partitions('public', 'ev_plain', '2027-03-15')"
blocked_s=$(($(date +%s) - s))
reader_stop blocked
expect blocked_detach 0 "retention of public.ev_detach left public.ev_detach_2026_04, public.ev_detach_2026_03, public.ev_detach_2026_02, public.ev_detach_2026_01 for the next run: 5 attempts to lock"
expect blocked_drop 0 "retention of public.ev_drop left public.ev_drop_2026_04, public.ev_drop_2026_03, public.ev_drop_2026_02, public.ev_drop_2026_01 for the next run"
expect blocked_archive 0 "retention of public.ev_archive left public.ev_archive_2026_04, public.ev_archive_2026_03, public.ev_archive_2026_02, public.ev_archive_2026_01 for the next run"
expect blocked_create 0 "partitions of public.ev_plain left for the next run: public.ev_plain_2027_01, public.ev_plain_2027_02, public.ev_plain_2027_03, public.ev_plain_2027_04: 5 attempts to lock"
after=$(state)
[ "$after" = "$before" ] || { printf '%s\n' "before: $before" "after:  $after" >"$W/diff"; cl_fail blocked "the tables changed" "$W/diff"; }
long_reader_stop

# -- partial: the long reader on one partition by name ---------------------------
long_reader_start "SELECT count(*) FROM ev_detach_2026_02;"
reader_start
call partial_detach "SELECT partc.apply_retention('public', 'ev_detach', '2026-06-15')"
call cron_drop "SELECT partc.create_partitions('public', 'ev_drop', '2027-03-15'); SELECT partc.apply_retention('public', 'ev_drop', '2026-06-15');"
reader_stop partial
expect partial_detach 2 "retention of public.ev_detach left public.ev_detach_2026_02, public.ev_detach_2026_01 for the next run: this transaction already holds a lock on public.ev_detach"
expect cron_drop "4 4" ""
plain public ev_detach_2026_04 ev_detach_2026_03 || cl_fail partial "ev_detach_2026_03 and _04 are not detached tables"
[ "$(parts ev_detach)" = "ev_detach_2026_01 ev_detach_2026_02 ev_detach_2026_05 ev_detach_2026_06 ev_detach_2026_07 ev_detach_2026_08 ev_detach_2026_09 ev_detach_2026_10 ev_detach_2026_11 ev_detach_2026_12" ] ||
    cl_fail partial "partitions of ev_detach: $(parts ev_detach)"
long_reader_stop

# -- next run: the rest ------------------------------------------------------------
call next_detach "SELECT partc.apply_retention('public', 'ev_detach', '2026-06-15')"
call next_archive "SELECT partc.apply_retention('public', 'ev_archive', '2026-06-15')"
call next_create "SELECT partc.create_partitions('public', 'ev_plain', '2027-03-15')"
expect next_detach 2 ""
expect next_archive 4 ""
expect next_create 4 ""
plain public ev_detach_2026_01 ev_detach_2026_02 ev_detach_2026_03 ev_detach_2026_04 || cl_fail next "ev_detach_2026_01 .. _04 are not detached tables"
gone ev_drop_2026_01 ev_drop_2026_02 ev_drop_2026_03 ev_drop_2026_04 || cl_fail next "ev_drop_2026_01 .. _04 are not dropped"
plain ev_cold ev_archive_2026_01 ev_archive_2026_02 ev_archive_2026_03 ev_archive_2026_04 || cl_fail next "ev_archive_2026_01 .. _04 are not in ev_cold"
[ "$(q "SELECT count(*) FROM ev_cold.ev_archive_2026_01")" = 1 ] || cl_fail next "the archived row is gone"
[ "$(q "SELECT tableoid::regclass FROM ev_plain WHERE taken_at = '2027-01-20'")" = ev_plain_2027_01 ] ||
    cl_fail next "the 2027-01 row of ev_plain did not move out of the default partition"
[ "$(parts ev_plain)" = "ev_plain_2026_01 ev_plain_2026_02 ev_plain_2026_03 ev_plain_2026_04 ev_plain_2026_05 ev_plain_2026_06 ev_plain_2026_07 ev_plain_2026_08 ev_plain_2026_09 ev_plain_2026_10 ev_plain_2026_11 ev_plain_2026_12 ev_plain_2027_01 ev_plain_2027_02 ev_plain_2027_03 ev_plain_2027_04 ev_plain_default" ] ||
    cl_fail next "partitions of ev_plain: $(parts ev_plain)"

# -- concurrent: DETACH ... CONCURRENTLY while the long reader runs ----------------
# 2026-09-15: 2026-09 and 08 are protected, 07 .. 05 go
long_reader_start "SELECT count(*) FROM ev_detach; SELECT count(*) FROM ev_drop; SELECT count(*) FROM ev_archive; SELECT count(*) FROM ev_plain;"
reader_start
statements concurrent_drop ev_drop 2026-09-15
wait_for concurrent "$(pending public.ev_drop_2026_07)"
sleep 1
kill -0 "$st_pid" 2>/dev/null || cl_fail concurrent "the statements did not wait for the long reader" "$W/concurrent_drop.err"
long_reader_stop
statements_wait
reader_stop concurrent
[ "$st_rc" = 0 ] || cl_fail concurrent "psql exited $st_rc" "$W/concurrent_drop.err"
gone ev_drop_2026_05 ev_drop_2026_06 ev_drop_2026_07 || cl_fail concurrent "ev_drop_2026_05 .. 07 are not dropped" "$W/concurrent_drop.out"
[ "$(parts ev_drop)" = "ev_drop_2026_08 ev_drop_2026_09 ev_drop_2026_10 ev_drop_2026_11 ev_drop_2026_12 ev_drop_2027_01 ev_drop_2027_02 ev_drop_2027_03 ev_drop_2027_04" ] ||
    cl_fail concurrent "partitions of ev_drop: $(parts ev_drop)"

# -- interrupted: a concurrent detach cut short leaves its partition pending -------
long_reader_start "SELECT count(*) FROM ev_detach; SELECT count(*) FROM ev_drop; SELECT count(*) FROM ev_archive; SELECT count(*) FROM ev_plain;"
reader_start
for t in ev_archive ev_detach; do
    statements "cut_$t" $t 2026-09-15 "-c lock_timeout=300ms"
    statements_wait
    [ "$st_rc" != 0 ] && grep -q 'lock timeout' "$W/cut_$t.err" || cl_fail interrupted "the statements of $t did not stop on the lock timeout" "$W/cut_$t.err"
    [ "$(q "$(pending public.${t}_2026_07)")" = t ] || cl_fail interrupted "${t}_2026_07 is not pending detach: $(state)"
done
[ "$(parts ev_archive)" = "ev_archive_2026_05 ev_archive_2026_06 ev_archive_2026_07 ev_archive_2026_08 ev_archive_2026_09 ev_archive_2026_10 ev_archive_2026_11 ev_archive_2026_12" ] ||
    cl_fail interrupted "partitions of ev_archive: $(parts ev_archive)"
plain public ev_archive_2026_07 && cl_fail interrupted "ev_archive_2026_07 was moved or detached after the failed detach"
call pending_archive "SELECT partc.apply_retention('public', 'ev_archive', '2026-09-15')"
reader_stop interrupted
expect pending_archive 0 "retention of public.ev_archive left public.ev_archive_2026_07, public.ev_archive_2026_06, public.ev_archive_2026_05 for the next run"
long_reader_stop
call finalize_archive "SELECT partc.apply_retention('public', 'ev_archive', '2026-09-15')"
expect finalize_archive 3 ""
plain ev_cold ev_archive_2026_05 ev_archive_2026_06 ev_archive_2026_07 || cl_fail interrupted "ev_archive_2026_05 .. 07 are not in ev_cold"
first=$(q "SELECT s FROM partc.retire_statements('public', 'ev_detach', '2026-09-15') s LIMIT 1")
[ "$first" = "ALTER TABLE public.ev_detach DETACH PARTITION public.ev_detach_2026_07 FINALIZE" ] ||
    cl_fail interrupted "the first statement of ev_detach is '$first'"
statements finalize_detach ev_detach 2026-09-15
statements_wait
[ "$st_rc" = 0 ] || cl_fail interrupted "psql exited $st_rc" "$W/finalize_detach.err"
plain public ev_detach_2026_05 ev_detach_2026_06 ev_detach_2026_07 || cl_fail interrupted "ev_detach_2026_05 .. 07 are not detached tables"
[ "$(q "SELECT count(*) FROM pg_inherits WHERE inhdetachpending")" = 0 ] || cl_fail interrupted "a detach is still pending: $(state)"

# -- fallback: with a default partition, the function ---------------------------------
q "CREATE TABLE ev_detach_extra PARTITION OF ev_detach DEFAULT" >/dev/null 2>"$W/err" || cl_fail fallback "default partition" "$W/err"
r=$(q "SELECT string_agg(s, '; ') FROM partc.retire_statements('public', 'ev_detach', '2026-12-15') s")
[ "$r" = "SELECT partc.apply_retention('public', 'ev_detach', '2026-12-15 00:00:00+00')" ] || cl_fail fallback "statements with a default partition: '$r'"

echo "ok retention_locks (second reader's worst wait ${worst_ms} ms, bound ${BOUND_MS} ms: [$figures ]; blocked calls took ${blocked_s} s; $(($(date +%s) - t0)) s)"
exit 0
