#!/bin/sh
# tests/bench/backfill.sh: how fast partc's convert backfill copies a table,
# against the floor of one INSERT ... SELECT, and how long its swap blocks a
# writer.  Run by `make bench`.  Settings (environment):
#   BENCH_ROWS=N      rows in the table (default 1000000)
#   BENCH_RUNS=R      timed runs of each copy, interleaved; the best counts
#                     (default 5)
#   BENCH_PKRANGE=0   skip the primary-key-range comparison
#   BENCH_PHASES=0    no per-phase breakdown of the backfill (it loads
#                     auto_explain into the backfill's session and sends its
#                     notices to the server log; see phases.sql)
#   PARTC=path        the partc binary (default ./partc)
#
# Everything runs on a throwaway cluster (tests/pg/lib.sh), in one run:
#   floor     bench_floor_src (plain, N rows) -> bench_floor (12 monthly
#             partitions, PK (id, created_at), 2 indexes): one INSERT ... SELECT
#   pk-range  the same copy into bench_pkfill (same shape) by id ranges of
#             10000 rows, one statement and transaction each (as pgslice fills)
#   partc     bench_events (the same rows), compiled from bench_events.yaml:
#             prepare (untimed), then the backfill file (the whole CALL:
#             copy, keys and indexes, sync-log replay, switch, verify); between
#             runs the backfill's down migration empties the shadow again
#   swap      the swap file while pgbench inserts single rows into bench_events
# Each timed copy starts after a CHECKPOINT; autovacuum is off so that no
# worker runs during a timed step.  Figures are printed, never judged: the
# script exits non-zero only when something breaks (a failed statement, a
# migration that fails, a writer error, rows missing).

set -u
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
N=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-5}
PKRANGE=${BENCH_PKRANGE:-1}
PHASES=${BENCH_PHASES:-1}
BATCH=10000
WRITER_SECS=8
AS_OF=2026-11-22
SPEC=$here/bench_events.yaml

case "$N" in
    ''|*[!0-9]*) echo "bench: BENCH_ROWS must be a positive integer, not '$N'" >&2; exit 2 ;;
esac
case "$RUNS" in
    ''|*[!0-9]*|0) echo "bench: BENCH_RUNS must be a positive integer, not '$RUNS'" >&2; exit 2 ;;
esac
[ "$N" -ge 1000 ] || { echo "bench: BENCH_ROWS must be at least 1000" >&2; exit 2; }
[ -x "$PARTC" ] || { echo "bench: $PARTC is not built (run make)" >&2; exit 1; }
[ -f "$SPEC" ] || { echo "bench: no spec $SPEC" >&2; exit 1; }

# shellcheck source=tests/pg/lib.sh
. "$root/tests/pg/lib.sh"
pg_start || exit 1

W=$PARTC_PG_TMP/bench
mkdir -p "$W" || { echo "bench: cannot create $W" >&2; exit 1; }
PSQL="$PARTC_PG_BIN/psql -X -q -v ON_ERROR_STOP=1"

# die MESSAGE [FILE...]: the message, the files indented, exit 1.
die() {
    echo "bench: FAILED: $1" >&2
    shift
    for _f in "$@"; do
        [ -s "$_f" ] && sed 's/^/    /' "$_f" >&2
    done
    exit 1
}

# sql NAME SQL...: runs the statements (psql variable n = N), log in $W/NAME.log.
sql() {
    _n=$1
    shift
    printf '%s\n' "$@" >"$W/$_n.sql"
    $PSQL -v n="$N" -f "$W/$_n.sql" >"$W/$_n.log" 2>&1 || die "$_n" "$W/$_n.log"
}

# cpu_ticks: CPU time (clock ticks) of our cluster: the postmaster and its
# live children, plus the children it has reaped (parallel workers).  Other
# work on the machine barely changes it, unlike the wall time.  "?" when
# /proc cannot tell.
TICKS=$(getconf CLK_TCK 2>/dev/null || echo 100)
cpu_ticks() {
    _pm=$(sed -n '1{/^[0-9][0-9]*$/p;}' "$PARTC_PG_TMP/data/postmaster.pid" 2>/dev/null)
    if [ -z "$_pm" ] || [ ! -r "/proc/$_pm/stat" ]; then
        echo '?'
        return 0
    fi
    {
        for _c in $(ps -o pid= --ppid "$_pm" 2>/dev/null); do
            cat "/proc/$_c/stat" 2>/dev/null
        done
        cat "/proc/$_pm/stat"
    } | awk -v pm="$_pm" '
        # the command field is "(postgres)": no spaces, so the fields count from 1
        { t += $14 + $15; if ($1 == pm) t += $16 + $17 }
        END { print t + 0 }'
}

# timed NAME FILE CHECKPOINT(yes|no) [PRE_SQL]: runs FILE in one psql session
# as psql -f would (one statement at a time, ON_ERROR_STOP), timed with the
# server clock around it; a CHECKPOINT first when asked (not timed).  Sets
# T0 and T1 (epoch seconds), SECS, CPU (the cluster's CPU seconds meanwhile),
# WAL_MB (WAL written) and PID (the session's backend).  stdout goes to
# $W/NAME.out, stderr (notices) to $W/NAME.err.
timed() {
    _n=$1
    _file=$2
    _ckpt=$3
    _pre=${4:-}
    {
        # printf, not echo: a shell's echo may expand backslashes
        printf '%s\n' 'SELECT pg_backend_pid() AS bench_pid \gset'
        [ -n "$_pre" ] && printf '%s\n' "$_pre"
        printf '%s\n' 'SELECT pg_current_wal_lsn() AS bench_lsn0, extract(epoch FROM clock_timestamp()) AS bench_t0 \gset' \
            "\\i $_file" \
            'SELECT extract(epoch FROM clock_timestamp()) AS bench_t1,' \
            "       round(pg_wal_lsn_diff(pg_current_wal_lsn(), :'bench_lsn0') / 1048576.0) AS bench_wal \\gset" \
            '\echo BENCH :bench_pid :bench_t0 :bench_t1 :bench_wal'
    } >"$W/timed_$_n.sql"
    if [ "$_ckpt" = yes ]; then
        $PSQL -c CHECKPOINT >"$W/$_n.checkpoint" 2>&1 || die "$_n: checkpoint" "$W/$_n.checkpoint"
    fi
    _c0=$(cpu_ticks)
    $PSQL -f "$W/timed_$_n.sql" >"$W/$_n.out" 2>"$W/$_n.err" ||
        die "$_n: $_file failed" "$W/$_n.err" "$W/$_n.out"
    _c1=$(cpu_ticks)
    _line=$(grep '^BENCH ' "$W/$_n.out" | tail -n 1)
    [ -n "$_line" ] || die "$_n: no timing line" "$W/$_n.out" "$W/$_n.err"
    # shellcheck disable=SC2086 # the line's fields
    set -- $_line
    PID=$2
    T0=$3
    T1=$4
    WAL_MB=$5
    SECS=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.2f", b - a }')
    case "$_c0$_c1" in
        *'?'*) CPU='?' ;;
        *) CPU=$(awk -v a="$_c0" -v b="$_c1" -v hz="$TICKS" 'BEGIN { printf "%.2f", (b - a) / hz }') ;;
    esac
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "?" && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }

# best LIST: "VALUE INDEX" of the smallest value of a space-separated list.
best() {
    # shellcheck disable=SC2086 # the list's values
    printf '%s\n' $1 | awk 'NF { i++; if (i == 1 || $1 + 0 < m) { m = $1 + 0; k = i; s = $1 } } END { printf "%s %d", s, k }'
}

# 1. The data: a plain append-only table, twice (the floor's source and the
# table partc converts), and two partitioned targets like partc's shadow.
target() {
    cat <<EOF
CREATE TABLE $1 (id bigint NOT NULL, account_id integer, payload text, amount integer,
                 created_at timestamptz NOT NULL, PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at);
DO \$\$
DECLARE m date;
BEGIN
    FOR i IN 0..11 LOOP
        m := date '2025-12-01' + make_interval(months => i);
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                       '$1_' || to_char(m, 'YYYY_MM'), '$1',
                       m::timestamp AT TIME ZONE 'UTC', (m + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    END LOOP;
END
\$\$;
CREATE INDEX $1_account_created ON $1 (account_id, created_at);
CREATE INDEX $1_created ON $1 (created_at);
EOF
}

# the machine's load average: other work on it makes every figure noisier
loadavg() { cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?'; }
load0=$(loadavg)
t_setup0=$(date +%s)
sql setup_conf "ALTER SYSTEM SET autovacuum = off;" "SELECT pg_reload_conf();"
sql setup_data \
"CREATE TABLE bench_floor_src (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id integer,
    payload    text,
    amount     integer,
    created_at timestamptz NOT NULL
);" \
"-- append-only: ids and created_at rise together over 12 months (2025-12 .. 2026-11)
INSERT INTO bench_floor_src (account_id, payload, amount, created_at)
SELECT (g * 7919 % 10007)::int, substr(md5(g::text) || md5((g + 1)::text), 1, 60), (g * 31 % 100000)::int,
       timestamptz '2025-12-01 00:00:00+00' + (g - 1) * (interval '365 days' / :n)
  FROM generate_series(1::bigint, :n) g ORDER BY g;" \
"CREATE TABLE bench_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id integer,
    payload    text,
    amount     integer,
    created_at timestamptz NOT NULL
);" \
"INSERT INTO bench_events OVERRIDING SYSTEM VALUE SELECT * FROM bench_floor_src ORDER BY id;" \
"SELECT setval(pg_get_serial_sequence('public.bench_events', 'id'), :n);" \
"CREATE INDEX bench_events_account_created ON bench_events (account_id, created_at);" \
"CREATE INDEX bench_events_created ON bench_events (created_at);" \
"$(target bench_floor)" \
"$(target bench_pkfill)" \
"VACUUM ANALYZE bench_floor_src;" \
"VACUUM ANALYZE bench_events;"
t_setup1=$(date +%s)

pgver=$($PSQL -At -c "SELECT current_setting('server_version')") || die "server version"
heap_mb=$($PSQL -At -c "SELECT round(pg_relation_size('bench_events') / 1048576.0)") || die "table size"
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')

# 2. partc: compile and prepare (untimed).
"$PARTC" compile "$SPEC" --out "$W/out" --as-of "$AS_OF" >"$W/compile.log" 2>&1 ||
    die "partc compile $SPEC" "$W/compile.log"
f_prepare=$(ls "$W/out/"*_bench_events_prepare.up.sql 2>/dev/null)
f_backfill=$(ls "$W/out/"*_bench_events_backfill.up.sql 2>/dev/null)
f_backfill_down=$(ls "$W/out/"*_bench_events_backfill.down.sql 2>/dev/null)
f_swap=$(ls "$W/out/"*_bench_events_swap.up.sql 2>/dev/null)
if [ -z "$f_prepare" ] || [ -z "$f_backfill" ] || [ -z "$f_backfill_down" ] || [ -z "$f_swap" ]; then
    die "partc did not write the prepare, backfill and swap files" "$W/compile.log"
fi
f_runtime=$(ls "$W/out/"*_partc_runtime_v1.up.sql 2>/dev/null)
$PSQL -f "$f_runtime" >"$W/runtime.log" 2>&1 || die "runtime ($f_runtime)" "$W/runtime.log"
$PSQL -f "$f_prepare" >"$W/prepare.log" 2>&1 || die "prepare ($f_prepare)" "$W/prepare.log"
nparts=$($PSQL -At -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.bench_events_partitioned'::regclass") ||
    die "partitions of the shadow"

pre=""
if [ "$PHASES" != 0 ]; then
    pre="SET log_min_messages = notice;
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;"
fi
echo 'INSERT INTO bench_floor SELECT * FROM bench_floor_src;' >"$W/floor.sql"
awk -v n="$N" -v b="$BATCH" 'BEGIN {
    for (a = 0; a < n; a += b)
        printf "INSERT INTO bench_pkfill SELECT * FROM bench_floor_src WHERE id > %d AND id <= %d;\n", a, a + b
}' >"$W/pkfill.sql"

# 3. The timed copies, interleaved, RUNS times each; the best run counts
# (other work on the machine only ever adds time).  Each run starts from an
# empty target: TRUNCATE, or for partc the backfill's down migration.
floor_all=""
pk_all=""
bf_all=""
floor_cpu_all=""
pk_cpu_all=""
bf_cpu_all=""
run=1
while [ "$run" -le "$RUNS" ]; do
    # the floor: one INSERT ... SELECT
    sql "truncate_floor_$run" 'TRUNCATE bench_floor;'
    timed "floor_$run" "$W/floor.sql" yes
    floor_all="$floor_all $SECS"
    floor_cpu_all="$floor_cpu_all $CPU"
    echo "$WAL_MB" >"$W/wal_floor_$run"

    # primary-key ranges, one statement (and transaction) each
    if [ "$PKRANGE" != 0 ]; then
        sql "truncate_pkfill_$run" 'TRUNCATE bench_pkfill;'
        timed "pkfill_$run" "$W/pkfill.sql" yes
        pk_all="$pk_all $SECS"
        pk_cpu_all="$pk_cpu_all $CPU"
        echo "$WAL_MB" >"$W/wal_pkfill_$run"
    fi

    # partc: the whole CALL of the backfill file
    if [ "$run" -gt 1 ]; then
        $PSQL -f "$f_backfill_down" >"$W/backfill_down_$run.log" 2>&1 ||
            die "the backfill's down migration ($f_backfill_down)" "$W/backfill_down_$run.log"
    fi
    timed "backfill_$run" "$f_backfill" yes "$pre"
    bf_all="$bf_all $SECS"
    bf_cpu_all="$bf_cpu_all $CPU"
    echo "$WAL_MB" >"$W/wal_backfill_$run"
    $PSQL -At -c "SELECT phase FROM bench_events_backfill_state" >"$W/phase.log" 2>&1 ||
        die "backfill state" "$W/phase.log"
    [ "$(cat "$W/phase.log")" = 'done' ] ||
        die "the backfill ended in phase $(cat "$W/phase.log")" "$W/backfill_$run.err"
    if [ "$PHASES" != 0 ]; then
        $PSQL -At -v log="$PARTC_PG_LOG" -v pid="$PID" -v t0="$T0" -v t1="$T1" \
            -f "$here/phases.sql" >"$W/phases_$run.out" 2>&1 ||
            echo "(not available: $(head -n 1 "$W/phases_$run.out"))" >"$W/phases_$run.out"
    fi
    run=$((run + 1))
done

# shellcheck disable=SC2046 # VALUE INDEX
set -- $(best "$floor_all")
floor_s=$1
floor_wal=$(cat "$W/wal_floor_$2")
# shellcheck disable=SC2046 # VALUE INDEX
set -- $(best "$bf_all")
bf_s=$1
bf_wal=$(cat "$W/wal_backfill_$2")
bf_best=$2
floor_cpu=$(best "$floor_cpu_all" | cut -d ' ' -f 1)
bf_cpu=$(best "$bf_cpu_all" | cut -d ' ' -f 1)
if [ "$PKRANGE" != 0 ]; then
    # shellcheck disable=SC2046 # VALUE INDEX
    set -- $(best "$pk_all")
    pk_s=$1
    pk_wal=$(cat "$W/wal_pkfill_$2")
    pk_cpu=$(best "$pk_cpu_all" | cut -d ' ' -f 1)
fi

# 4. The swap under a concurrent single-row writer (simple protocol, so each
# insert names bench_events afresh and reaches the new table after the swap).
cat >"$W/insert.sql" <<'EOF'
INSERT INTO bench_events (account_id, payload, amount, created_at)
VALUES ((random() * 10000)::int, md5(random()::text), (random() * 100000)::int,
        timestamptz '2026-11-30 00:00:00+00' + random() * interval '1 day');
EOF
$PSQL -c CHECKPOINT >/dev/null 2>&1 || die "checkpoint"
"$PARTC_PG_BIN/pgbench" -n -M simple -c 1 -T "$WRITER_SECS" -f "$W/insert.sql" -l --log-prefix="$W/lat" \
    >"$W/pgbench.out" 2>&1 &
pgb=$!
sleep 3
timed swap "$f_swap" no
sw_ms=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
sw_t0=$T0
sw_t1=$T1
wait "$pgb"
pgb_rc=$?
[ "$pgb_rc" = 0 ] || die "the writer (pgbench) failed (exit $pgb_rc)" "$W/pgbench.out"
cat "$W"/lat.* >"$W/latency.log" 2>/dev/null
[ -s "$W/latency.log" ] || die "pgbench wrote no latency log" "$W/pgbench.out"
# fields: client, transaction, latency (us), script, end time (s, us).  A
# transaction overlaps the swap when it began before the swap ended and ended
# after the swap began.
# shellcheck disable=SC2046 # three fields
set -- $(awk -v a="$sw_t0" -v b="$sw_t1" '
    { end = $5 + $6 / 1e6; start = end - $3 / 1e6; n++; if ($3 > all) all = $3
      if (start <= b && end >= a) { k++; if ($3 > m) m = $3 } }
    END { printf "%d %d %.1f %.1f", n, k, m / 1000, all / 1000 }' "$W/latency.log")
wr_n=$1
wr_k=$2
wr_max=$3
wr_all_max=$4
wr_med=$(awk '{ print $3 }' "$W/latency.log" | sort -n |
         awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m / 1000 }')

# 5. Nothing lost: the copies hold every row; after the swap the new table
# holds what the old one does (the writer's rows are mirrored back).
$PSQL -At -F ' ' -c "SELECT (SELECT count(*) FROM bench_floor), (SELECT count(*) FROM bench_pkfill),
                            (SELECT count(*) FROM bench_events), (SELECT count(*) FROM bench_events_old),
                            (SELECT relkind FROM pg_class WHERE oid = 'public.bench_events'::regclass)" \
    >"$W/check.out" 2>&1 || die "final counts" "$W/check.out"
# shellcheck disable=SC2046 # five fields
set -- $(cat "$W/check.out")
[ "$1" = "$N" ] || die "bench_floor holds $1 rows, not $N"
[ "$PKRANGE" = 0 ] || [ "$2" = "$N" ] || die "bench_pkfill holds $2 rows, not $N"
[ "$5" = p ] || die "bench_events is not partitioned after the swap (relkind $5)"
[ "$3" = "$4" ] || die "after the swap bench_events holds $3 rows, bench_events_old $4"
[ "$3" -ge "$N" ] || die "after the swap bench_events holds $3 rows, fewer than $N"

# The report.
load1=$(loadavg)
echo "partc bench: PostgreSQL $pgver, $ncpu CPUs; fsync, synchronous_commit, full_page_writes off (tests/pg/lib.sh);"
echo "  autovacuum off; CHECKPOINT before each timed copy; best of $RUNS interleaved runs; set-up $((t_setup1 - t_setup0)) s, heap $heap_mb MB"
echo "  load average before: $load0, after: $load1"
echo "backfill $N rows, $nparts monthly partitions, 2 indexes + PK   (best wall time; best server CPU time)"
# line LABEL WALL CPU WAL [RATIO CPU_RATIO]
line() {
    if [ -n "${5:-}" ]; then
        printf '  %-30s %6.2f s   ratio %-5s   cpu %5s s   ratio %-5s   WAL %4s MB\n' "$1" "$2" "$5" "$3" "$6" "$4"
    else
        printf '  %-30s %6.2f s                 cpu %5s s                 WAL %4s MB\n' "$1" "$2" "$3" "$4"
    fi
}
line "floor  INSERT ... SELECT" "$floor_s" "$floor_cpu" "$floor_wal"
line "partc  backfill (CALL)" "$bf_s" "$bf_cpu" "$bf_wal" "$(ratio "$bf_s" "$floor_s")" "$(ratio "$bf_cpu" "$floor_cpu")"
if [ "$PKRANGE" != 0 ]; then
    line "pk-range batches of $BATCH" "$pk_s" "$pk_cpu" "$pk_wal" "$(ratio "$pk_s" "$floor_s")" "$(ratio "$pk_cpu" "$floor_cpu")"
fi
echo "  swap   ACCESS EXCLUSIVE held    $sw_ms ms (swap file wall time); writer latency during swap: max $wr_max ms, median $wr_med ms"
echo "         writer: $wr_n single-row inserts in $WRITER_SECS s, $wr_k overlapping the swap; max over the whole run $wr_all_max ms"
echo "  goal: partc backfill <= 1.10 x floor"
echo "  wall times of the runs: floor$floor_all; partc$bf_all${pk_all:+; pk-range$pk_all}"
echo "  cpu times of the runs:  floor$floor_cpu_all; partc$bf_cpu_all${pk_cpu_all:+; pk-range$pk_cpu_all}"
if [ "$PHASES" != 0 ] && [ -s "$W/phases_$bf_best.out" ]; then
    echo "partc backfill phases (run $bf_best): $(cat "$W/phases_$bf_best.out")"
fi
if [ -s "$W/backfill_$bf_best.err" ]; then
    echo "partc backfill notices (run $bf_best):"
    sed -n 's/^psql:[^ ]* NOTICE:  /  /p; s/^NOTICE:  /  /p' "$W/backfill_$bf_best.err"
fi
exit 0
