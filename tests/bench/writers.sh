#!/bin/sh
# tests/bench/writers.sh: what a conversion's sync triggers cost a writer.
# Run by `make bench`.  A single-row writer (pgbench, one client, simple
# protocol, one INSERT, UPDATE or DELETE of a random row per transaction)
# runs for BENCH_WRITER_SECS seconds (default 10) against bench_events in
# each state of a conversion, on a throwaway cluster (tests/pg/lib.sh):
#   none     the plain table, no trigger (the floor)
#   capture  after prepare: statement triggers record each written key in
#            the sync log
#   forward  after the backfill: statement triggers mirror each write into
#            the partitioned shadow
#   reverse  after the swap: row triggers on the new partitioned table
#            mirror each write back into the old table
#   off      the same partitioned table with its triggers switched off
#            (the floor of reverse)
# The triggers are the table's own functions with static SQL (no dynamic
# SQL per row); the runtime only switches them.  Prints transactions per
# second and each state's ratio to its floor; never judges them.  Updates
# and deletes find their row by id, which is not the partition key: on the
# partitioned table they look into every partition, so its floor is its own.
#   BENCH_WRITER_ROWS=N  rows in the table (default 200000)
#   PARTC=path           the partc binary
set -u
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
N=${BENCH_WRITER_ROWS:-200000}
SECS=${BENCH_WRITER_SECS:-10}
SPEC=$here/bench_events.yaml
case "$N$SECS" in
    *[!0-9]*|'') echo "bench-writers: BENCH_WRITER_ROWS and BENCH_WRITER_SECS must be positive integers" >&2; exit 2 ;;
esac
[ -x "$PARTC" ] || { echo "bench-writers: $PARTC is not built (run make)" >&2; exit 1; }

. "$root/tests/pg/lib.sh"
pg_start || exit 1
W=$PARTC_PG_TMP/writers
mkdir -p "$W" || exit 1
PSQL="$PARTC_PG_BIN/psql -X -q -v ON_ERROR_STOP=1"
die() {
    echo "bench-writers: FAILED: $1" >&2
    [ -n "${2:-}" ] && [ -s "$2" ] && sed 's/^/    /' "$2" >&2
    exit 1
}

"$PARTC" compile "$SPEC" --out "$W/out" --as-of 2026-11-22 >"$W/compile.log" 2>&1 || die "compile" "$W/compile.log"
mig() { ls "$W/out/"*"_$1.up.sql" 2>/dev/null; }
$PSQL -v n="$N" >"$W/setup.log" 2>&1 <<'SQL' || die "setup" "$W/setup.log"
ALTER SYSTEM SET autovacuum = off;
SELECT pg_reload_conf();
CREATE TABLE bench_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id integer,
    payload    text,
    amount     integer,
    created_at timestamptz NOT NULL
);
INSERT INTO bench_events (account_id, payload, amount, created_at)
SELECT (random() * 10000)::int, md5(g::text), (random() * 100000)::int,
       timestamptz '2025-12-01 00:00:00+00' + (g::float8 / :n) * interval '364 days'
  FROM generate_series(1, :n) g;
CREATE INDEX bench_events_account_created ON bench_events (account_id, created_at);
CREATE INDEX bench_events_created ON bench_events (created_at);
VACUUM ANALYZE bench_events;
SQL

# one transaction: an insert, an update or a delete of a random row
cat >"$W/write.sql" <<EOF
\\set r random(1, 100)
\\set id random(1, $N)
\\if :r <= 60
INSERT INTO bench_events (account_id, payload, amount, created_at)
VALUES ((random() * 10000)::int, md5(random()::text), (random() * 100000)::int,
        timestamptz '2026-11-20 00:00:00+00' + random() * interval '5 days');
\\elif :r <= 90
UPDATE bench_events SET amount = amount + 1 WHERE id = :id;
\\else
DELETE FROM bench_events WHERE id = :id;
\\endif
EOF

# tps STATE: runs the writer, prints its transactions per second
tps() {
    $PSQL -c CHECKPOINT >/dev/null 2>&1
    "$PARTC_PG_BIN/pgbench" -n -M simple -c 1 -T "$SECS" -f "$W/write.sql" >"$W/pgbench_$1.out" 2>&1 ||
        die "pgbench ($1)" "$W/pgbench_$1.out"
    sed -n 's/^tps = \([0-9]*\)[.0-9]* .*/\1/p' "$W/pgbench_$1.out" | head -n 1
}
apply() {
    $PSQL -f "$2" >"$W/apply_$1.log" 2>&1 || die "$1 ($2)" "$W/apply_$1.log"
}

t_none=$(tps none)
apply runtime "$(mig partc_runtime_v1)"
apply prepare "$(mig bench_events_prepare)"
t_capture=$(tps capture)
apply backfill "$(mig bench_events_backfill)"
t_forward=$(tps forward)
apply swap "$(mig bench_events_swap)"
# after the swap, off and reverse interleaved twice (the best of each
# counts): the same table, warmed the same way
mode() { $PSQL -c "SELECT partc.sync_mode('public', 'bench_events', '$1')" >/dev/null 2>&1 || die "sync_mode $1"; }
best() { [ "$1" -ge "$2" ] && echo "$1" || echo "$2"; }
mode off; o1=$(tps off1)
mode reverse; r1=$(tps reverse1)
mode off; o2=$(tps off2)
mode reverse; r2=$(tps reverse2)
t_off=$(best "$o1" "$o2")
t_reverse=$(best "$r1" "$r2")
pg_stop

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }
echo "writers ($N rows, ${SECS} s each, one client, 60% inserts, 30% updates, 10% deletes; transactions/s):"
echo "  plain table, no trigger      $t_none"
echo "  capture (after prepare)      $t_capture   ratio to no trigger $(ratio "$t_capture" "$t_none")"
echo "  forward (after backfill)     $t_forward   ratio to no trigger $(ratio "$t_forward" "$t_none")"
echo "  partitioned, triggers off    $t_off"
echo "  reverse (after swap)         $t_reverse   ratio to triggers off $(ratio "$t_reverse" "$t_off")"
