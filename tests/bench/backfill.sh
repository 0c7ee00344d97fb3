#!/bin/sh
# tests/bench/backfill.sh: how fast partc's convert backfill copies a table,
# against the floor of one INSERT ... SELECT, and how long its swap blocks a
# writer.  Run by `make bench`; BENCH_ROWS=N changes the row count (default
# 1000000), BENCH_PKRANGE=0 skips the primary-key-range comparison, and
# BENCH_PHASES=0 runs the backfill without the per-phase breakdown (which
# loads auto_explain into the backfill's session and logs its notices).
#
# Everything runs on a throwaway cluster (tests/pg/lib.sh), in one run:
#   floor     bench_floor_src (plain, N rows) -> bench_floor (12 monthly
#             partitions, PK (id, created_at), 2 indexes): one INSERT ... SELECT
#   pk-range  the same copy into bench_pkfill in id ranges of 10000 rows, one
#             statement and transaction each (as pgslice fills)
#   partc     bench_events (the same rows), compiled from bench_events.yaml:
#             prepare (untimed), then the backfill file (the whole CALL)
#   swap      the swap file while pgbench inserts single rows into bench_events
# Each timed step starts after a CHECKPOINT; autovacuum is off so that no
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
PKRANGE=${BENCH_PKRANGE:-1}
PHASES=${BENCH_PHASES:-1}
BATCH=10000
AS_OF=2026-11-22
SPEC=$here/bench_events.yaml

case "$N" in
    ''|*[!0-9]*) echo "bench: BENCH_ROWS must be a positive integer, not '$N'" >&2; exit 2 ;;
esac
[ "$N" -ge 1000 ] || { echo "bench: BENCH_ROWS must be at least 1000" >&2; exit 2; }
[ -x "$PARTC" ] || { echo "bench: $PARTC is not built (run make)" >&2; exit 1; }
[ -f "$SPEC" ] || { echo "bench: no spec $SPEC" >&2; exit 1; }

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

# sql NAME SQL...: runs SQL (psql -c for each argument), output in $W/NAME.log.
sql() {
    _n=$1
    shift
    for _s in "$@"; do
        printf '%s\n' "$_s"
    done >"$W/$_n.sql"
    $PSQL -v n="$N" -f "$W/$_n.sql" >"$W/$_n.log" 2>&1 || die "$_n" "$W/$_n.log"
}

# timed NAME FILE CHECKPOINT(yes|no) [PRE_SQL]: runs FILE in one psql session
# (as psql -f would: one statement at a time, ON_ERROR_STOP), timed with the
# server clock around it.  Sets T0 and T1 (epoch seconds), SECS, WAL_MB, PID.
# stdout goes to $W/NAME.out, stderr (notices) to $W/NAME.err.
timed() {
    _n=$1
    _file=$2
    _ckpt=$3
    _pre=${4:-}
    {
        # printf, not echo: a shell's echo may expand backslashes
        [ "$_ckpt" = yes ] && printf '%s\n' 'CHECKPOINT;'
        printf '%s\n' 'SELECT pg_backend_pid() AS bench_pid \gset'
        [ -n "$_pre" ] && printf '%s\n' "$_pre"
        printf '%s\n' 'SELECT pg_current_wal_lsn() AS bench_lsn0, extract(epoch FROM clock_timestamp()) AS bench_t0 \gset' \
            "\\i $_file" \
            'SELECT extract(epoch FROM clock_timestamp()) AS bench_t1,' \
            "       round(pg_wal_lsn_diff(pg_current_wal_lsn(), :'bench_lsn0') / 1048576.0) AS bench_wal \\gset" \
            '\echo BENCH :bench_pid :bench_t0 :bench_t1 :bench_wal'
    } >"$W/timed_$_n.sql"
    $PSQL -f "$W/timed_$_n.sql" >"$W/$_n.out" 2>"$W/$_n.err" ||
        die "$_n: $_file failed" "$W/$_n.err" "$W/$_n.out"
    _line=$(grep '^BENCH ' "$W/$_n.out" | tail -n 1)
    [ -n "$_line" ] || die "$_n: no timing line" "$W/$_n.out" "$W/$_n.err"
    # shellcheck disable=SC2086 # split the line into its fields
    set -- $_line
    PID=$2
    T0=$3
    T1=$4
    WAL_MB=$5
    SECS=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.2f", b - a }')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# 1. The data: a plain append-only table, twice, and two partitioned targets.
parts() {
    # CREATE TABLE <t>_YYYY_MM PARTITION OF <t>, 2025-12 .. 2026-11
    cat <<EOF
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
EOF
}
target() {
    cat <<EOF
CREATE TABLE $1 (id bigint NOT NULL, account_id integer, payload text, amount integer,
                 created_at timestamptz NOT NULL, PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at);
$(parts "$1")
CREATE INDEX $1_account_created ON $1 (account_id, created_at);
CREATE INDEX $1_created ON $1 (created_at);
EOF
}

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

# 2. The floor.
echo 'INSERT INTO bench_floor SELECT * FROM bench_floor_src;' >"$W/floor.sql"
timed floor "$W/floor.sql" yes
floor_s=$SECS
floor_wal=$WAL_MB

# 3. Primary-key ranges of 10000 rows, one statement (and transaction) each.
if [ "$PKRANGE" != 0 ]; then
    awk -v n="$N" -v b="$BATCH" 'BEGIN {
        for (a = 0; a < n; a += b)
            printf "INSERT INTO bench_pkfill SELECT * FROM bench_floor_src WHERE id > %d AND id <= %d;\n", a, a + b
    }' >"$W/pkfill.sql"
    timed pkfill "$W/pkfill.sql" yes
    pk_s=$SECS
    pk_wal=$WAL_MB
fi

# 4. partc: compile, prepare (untimed), backfill (timed).
"$PARTC" compile "$SPEC" --out "$W/out" --as-of "$AS_OF" >"$W/compile.log" 2>&1 ||
    die "partc compile $SPEC" "$W/compile.log"
f_prepare=$(ls "$W/out/"*_bench_events_prepare.up.sql 2>/dev/null)
f_backfill=$(ls "$W/out/"*_bench_events_backfill.up.sql 2>/dev/null)
f_swap=$(ls "$W/out/"*_bench_events_swap.up.sql 2>/dev/null)
[ -n "$f_prepare" ] && [ -n "$f_backfill" ] && [ -n "$f_swap" ] ||
    die "partc did not write the prepare, backfill and swap files" "$W/compile.log"

$PSQL -f "$f_prepare" >"$W/prepare.log" 2>&1 || die "prepare ($f_prepare)" "$W/prepare.log"
nparts=$($PSQL -At -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.bench_events_partitioned'::regclass") ||
    die "partitions of the shadow"

pre=""
if [ "$PHASES" != 0 ]; then
    # notices go to the server log with their time; every statement the
    # procedure runs is logged with its duration (no per-node timing)
    pre="SET log_min_messages = notice;
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;"
fi
timed backfill "$f_backfill" yes "$pre"
bf_s=$SECS
bf_wal=$WAL_MB
bf_pid=$PID
bf_t0=$T0
bf_t1=$T1

$PSQL -At -c "SELECT phase FROM bench_events_backfill_state" >"$W/phase.log" 2>&1 || die "backfill state" "$W/phase.log"
[ "$(cat "$W/phase.log")" = done ] || die "the backfill ended in phase $(cat "$W/phase.log")" "$W/backfill.err"

phases=""
if [ "$PHASES" != 0 ]; then
    # The server log of the backfill's session: notices and the logged
    # statements (end time, duration, query text on the next line).
    cat >"$W/phases.sql" <<'EOF'
WITH l AS (
    SELECT t.n, t.line FROM regexp_split_to_table(pg_read_file(:'log'), E'\n') WITH ORDINALITY AS t(line, n)
), h AS (
    SELECT l.n, regexp_match(l.line, '^(\S+ \S+) UTC \[(\d+)\] [A-Z]+:  (.*)$') AS m FROM l
), e AS (
    -- each entry of the log, up to the next one
    SELECT h.n, h.m, lead(h.n, 1, h.n + 1000) OVER (ORDER BY h.n) AS nn FROM h WHERE h.m IS NOT NULL
), ev AS (
    SELECT e.n, (e.m[1] || '+00')::timestamptz AS ts, e.m[3] AS msg,
           (regexp_match(e.m[3], '^duration: ([0-9.]+) ms'))[1]::numeric / 1000 AS dur,
           (SELECT string_agg(l.line, ' ' ORDER BY l.n) FROM l WHERE l.n > e.n AND l.n < e.nn) AS q
      FROM e
     WHERE e.m[2]::int = :pid
       AND (e.m[1] || '+00')::timestamptz BETWEEN to_timestamp(:t0) - interval '1 s' AND to_timestamp(:t1) + interval '1 s'
), s AS (
    SELECT
      (SELECT max(ts) FROM ev WHERE msg LIKE 'partc:%copied:%') AS copied,
      (SELECT count(*) FROM ev WHERE q LIKE '%ctid >=%') AS batches,
      (SELECT sum(dur) FROM ev WHERE q LIKE '%ctid >=%') AS insert_s,
      (SELECT sum(dur) FROM ev WHERE q LIKE '%_backfill_indexes(true)%') AS index_s,
      (SELECT sum(dur) FROM ev WHERE q LIKE '%_backfill_indexes(false)%') AS drop_s,
      (SELECT sum(dur) FROM ev WHERE (q LIKE '%sync_log%' OR q LIKE '%v_done%') AND q NOT LIKE '%ctid%') AS replay_s,
      (SELECT sum(dur) FROM ev WHERE q LIKE '%count(*)%') AS verify_s,
      (SELECT max(ts) FROM ev WHERE q LIKE '%count(*)%') AS verify_end,
      (SELECT max(ts - dur * interval '1 s') FROM ev WHERE q LIKE '%UPDATE%phase = ''done''%') AS done_start
)
SELECT format('copy %s s (%s batches; their INSERTs %s s), keys+indexes %s s, replay %s s, verify counts %s s, ANALYZE %s s, rest %s s',
              round(extract(epoch FROM copied - to_timestamp(:t0))::numeric, 2),
              batches, round(insert_s, 2), round(index_s, 2), round(coalesce(replay_s, 0), 2), round(verify_s, 2),
              round(extract(epoch FROM done_start - verify_end)::numeric, 2),
              round((:t1 - :t0) - extract(epoch FROM copied - to_timestamp(:t0))::numeric - index_s
                    - coalesce(replay_s, 0) - verify_s - extract(epoch FROM done_start - verify_end)::numeric, 2))
  FROM s;
EOF
    if $PSQL -At -v log="$PARTC_PG_LOG" -v pid="$bf_pid" -v t0="$bf_t0" -v t1="$bf_t1" \
            -f "$W/phases.sql" >"$W/phases.out" 2>&1; then
        phases=$(cat "$W/phases.out")
    else
        phases="(not available: $(head -n 1 "$W/phases.out"))"
    fi
fi

# 5. The swap under a concurrent single-row writer.
cat >"$W/insert.sql" <<'EOF'
INSERT INTO bench_events (account_id, payload, amount, created_at)
VALUES ((random() * 10000)::int, md5(random()::text), (random() * 100000)::int,
        timestamptz '2026-11-30 00:00:00+00' + random() * interval '1 day');
EOF
$PSQL -c CHECKPOINT >/dev/null 2>&1 || die "checkpoint"
"$PARTC_PG_BIN/pgbench" -n -M simple -c 1 -T 8 -f "$W/insert.sql" -l --log-prefix="$W/lat" \
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
cat "$W"/lat* >"$W/latency.log" 2>/dev/null
[ -s "$W/latency.log" ] || die "pgbench wrote no latency log" "$W/pgbench.out"
# client tx latency_us script epoch_s epoch_us: a transaction overlaps the
# swap when it started before the swap ended and ended after it started
lat=$(awk -v a="$sw_t0" -v b="$sw_t1" '
    { end = $5 + $6 / 1e6; start = end - $3 / 1e6; n++
      if (start <= b && end >= a) { k++; if ($3 > m) m = $3 } }
    END { printf "%d %d %.1f", n, k, m / 1000 }' "$W/latency.log")
# shellcheck disable=SC2086 # three fields
set -- $lat
wr_n=$1
wr_k=$2
wr_max=$3
wr_med=$(awk '{ print $3 }' "$W/latency.log" | sort -n |
         awk '{ v[NR] = $1 } END { if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m / 1000 }')
wr_all_max=$(awk '{ if ($3 > m) m = $3 } END { printf "%.1f", m / 1000 }' "$W/latency.log")

# 6. Nothing lost: the copies hold every row; after the swap the new table
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
echo "partc bench: PostgreSQL $pgver, $ncpu CPUs; fsync, synchronous_commit and full_page_writes off (tests/pg/lib.sh),"
echo "  autovacuum off, CHECKPOINT before each timed step; data set up in $((t_setup1 - t_setup0)) s (heap $heap_mb MB)"
echo "backfill $N rows, $nparts monthly partitions, 2 indexes + PK"
printf '  %-34s %7.2f s   WAL %5s MB\n' "floor  INSERT ... SELECT" "$floor_s" "$floor_wal"
printf '  %-34s %7.2f s   WAL %5s MB   ratio %s (goal <= 1.10)\n' "partc  backfill (CALL)" "$bf_s" "$bf_wal" "$(ratio "$bf_s" "$floor_s")"
if [ "$PKRANGE" != 0 ]; then
    printf '  %-34s %7.2f s   WAL %5s MB   ratio %s\n' "pk-range batches of $BATCH" "$pk_s" "$pk_wal" "$(ratio "$pk_s" "$floor_s")"
fi
echo "  swap   ACCESS EXCLUSIVE held      $sw_ms ms (swap file wall time); writer latency during swap: max $wr_max ms, median $wr_med ms"
echo "         writer: $wr_n single-row inserts in 8 s, $wr_k overlapping the swap, max over the run $wr_all_max ms"
if [ -n "$phases" ]; then
    echo "partc backfill phases: $phases"
fi
if [ -s "$W/backfill.err" ]; then
    echo "partc backfill notices:"
    sed -n 's/^psql:[^ ]* NOTICE:  /  /p; s/^NOTICE:  /  /p' "$W/backfill.err"
fi
exit 0
