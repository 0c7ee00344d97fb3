#!/bin/sh
# tests/bench/methods.sh: the two conversion methods on the same table, at two
# sizes.  Run by `make bench`.  Settings (environment):
#   BENCH_METHOD_ROWS="N1 N2"   the sizes (default "100000 1000000")
#   BENCH_METHOD_WRITERS=C      concurrent writers (psql sessions, default 2)
#   PARTC=path                  the partc binary (default ./partc)
#
# For each size and each method (migrate.method copy, then attach) a fresh
# plain table bench_m (identity id as primary key, an index, N rows over 2026)
# and its mirror bench_m_mirror are made; while writers (psql sessions) run
# transactions that insert, update and delete rows of bench_m and apply the
# same rows to the mirror, the conversion's migrations run in order: prepare,
# (attach: the concurrent index builds,) backfill, swap, swap's rollback,
# swap again.  Printed per run: each phase's wall time, the rows the backfill
# copied, the time the swap holds its lock (its file's wall time), the longest
# and the median time of a writer's statement over the whole conversion (a
# lock that makes writers wait shows there), and whether bench_m and the
# mirror hold the same rows (EXCEPT ALL both ways) after the swap, after its
# rollback and after the swap again.  Figures are printed, never judged: it
# exits non-zero only when something breaks (a failed migration or writer,
# rows lost or different).
set -u
LC_ALL=C
export LC_ALL
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
SIZES=${BENCH_METHOD_ROWS:-100000 1000000}
WRITERS=${BENCH_METHOD_WRITERS:-2}
TODAY=$(date -u +%Y-%m-%d)
for n in $SIZES; do
    case "$n" in ''|*[!0-9]*) echo "bench: BENCH_METHOD_ROWS must hold positive integers, not '$n'" >&2; exit 2 ;; esac
done
[ -x "$PARTC" ] || { echo "bench: $PARTC is not built (run make)" >&2; exit 1; }

. "$root/tests/pg/lib.sh"
pg_start || exit 1
W=$PARTC_PG_TMP/methods
mkdir -p "$W" || exit 1
PSQL="$PARTC_PG_BIN/psql -X -q -v ON_ERROR_STOP=1"
die() {
    echo "bench methods: $1" >&2
    shift
    for f in "$@"; do [ -s "$f" ] && sed 's/^/    /' "$f" | tail -n 20 >&2; done
    exit 1
}
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

spec() {  # METHOD: the spec of bench_m
    mkdir -p "$W/spec_$1"
    cat >"$W/spec_$1/bench_m.yaml" <<YAML
version: 1
tables:
  bench_m:
    mode: convert
    columns:
      id:         { type: bigint, identity: by_default }
      account_id: { type: integer, nullable: false }
      payload:    { type: text }
      created_at: { type: timestamptz, nullable: false, default: "now()" }
    primary_key: [id]
    partition: { key: created_at, interval: monthly, start: 2026-01-01, premake: 3 }
    indexes:
      - name: bench_m_account
        columns: [account_id, created_at]
    migrate: { method: $1, batch_size: 10000, lock_timeout: 5s }
    lint:
      allow:
        uniqueness-weakened: "ids come from the identity"
        maintenance-unscheduled: "a benchmark"
YAML
}

# A writer: a psql session fed transactions by a shell loop until the stop
# file exists; \timing gives each statement's time (a lock that makes
# writers wait shows there).
writer() {  # NAME
    {
        printf '%s\n' '\timing on'
        echo "SET lock_timeout = 0;"
        while [ ! -f "$W/stop" ]; do
            printf '%s\n' "BEGIN;" \
"WITH w AS (INSERT INTO bench_m (account_id, payload) VALUES ((random() * 1000)::int, 'w' || md5(random()::text)) RETURNING *) INSERT INTO bench_m_mirror SELECT * FROM w;" \
"WITH p AS (SELECT id FROM bench_m_mirror WHERE id >= (SELECT (random() * max(id))::bigint FROM bench_m_mirror) ORDER BY id LIMIT 1), w AS (UPDATE bench_m b SET payload = 'u' || md5(random()::text) FROM p WHERE b.id = p.id RETURNING b.*) UPDATE bench_m_mirror m SET payload = w.payload FROM w WHERE m.id = w.id;" \
"WITH p AS (SELECT id FROM bench_m_mirror WHERE id >= (SELECT (random() * max(id))::bigint FROM bench_m_mirror) ORDER BY id LIMIT 1), w AS (DELETE FROM bench_m b USING p WHERE b.id = p.id RETURNING b.id) DELETE FROM bench_m_mirror m USING w WHERE m.id = w.id;" \
                "COMMIT;"
        done
    } | $PARTC_PG_BIN/psql -X -v ON_ERROR_STOP=0 >"$W/$1.out" 2>"$W/$1.err"
}

same() {  # STEP: bench_m and the mirror hold the same rows
    r=$($PSQL -At -c "SELECT (SELECT count(*) FROM (TABLE bench_m EXCEPT ALL TABLE bench_m_mirror) x) || '|' ||
                             (SELECT count(*) FROM (TABLE bench_m_mirror EXCEPT ALL TABLE bench_m) y)" 2>"$W/same.err") ||
        die "$1: compare failed" "$W/same.err"
    [ "$r" = "0|0" ] || die "$1: bench_m and its mirror differ (only in bench_m|only in the mirror: $r)"
}

report=""
for n in $SIZES; do
    for method in copy attach; do
        run=${method}_$n
        $PSQL -c "DROP SCHEMA IF EXISTS partc CASCADE" -c "DROP TABLE IF EXISTS bench_m, bench_m_old, bench_m_partitioned, bench_m_mirror CASCADE" \
              -c "DROP TABLE IF EXISTS bench_m_sync_log, bench_m_backfill_state CASCADE" >/dev/null 2>&1
        $PSQL -c "DO \$\$ DECLARE r record; BEGIN FOR r IN SELECT p.oid::regprocedure AS f FROM pg_proc p WHERE p.proname LIKE 'bench\\_m\\_%' LOOP EXECUTE 'DROP ROUTINE ' || r.f; END LOOP; END \$\$" >/dev/null 2>&1
        $PSQL -v n="$n" >"$W/$run.setup" 2>&1 <<'SQL' || die "$run: setup" "$W/$run.setup"
SET client_min_messages = warning;
SELECT setseed(0.5);
CREATE TABLE bench_m (
    id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    account_id integer NOT NULL,
    payload    text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bench_m_account ON bench_m (account_id, created_at);
INSERT INTO bench_m (account_id, payload, created_at)
SELECT (random() * 1000)::int, md5(g::text), timestamptz '2026-01-01 00:00:00+00' + random() * interval '330 days'
  FROM generate_series(1, :n) g;
CREATE TABLE bench_m_mirror (id bigint PRIMARY KEY, account_id integer NOT NULL, payload text, created_at timestamptz NOT NULL);
INSERT INTO bench_m_mirror SELECT * FROM bench_m;
VACUUM ANALYZE bench_m;
VACUUM ANALYZE bench_m_mirror;
CHECKPOINT;
SQL
        spec "$method"
        rm -rf "$W/out_$method"
        "$PARTC" compile "$W/spec_$method" --out "$W/out_$method" --as-of "$TODAY" >"$W/$run.compile" 2>&1 ||
            die "$run: compile" "$W/$run.compile"
        f() { ls "$W/out_$method/"*"_$1.sql"; }
        $PSQL -f "$(f partc_runtime_v1.up)" >"$W/$run.rt" 2>&1 || die "$run: runtime" "$W/$run.rt"
        rm -f "$W/stop"
        wpids=""
        k=0
        while [ $k -lt "$WRITERS" ]; do
            k=$((k + 1))
            writer "w_${run}_$k" &
            wpids="$wpids $!"
        done
        sleep 2
        steps="prepare"
        [ "$method" = attach ] && steps="$steps backfill_index_1 backfill_index_2"
        steps="$steps backfill swap swap-down swap-again"
        times=""
        for s in $steps; do
            case $s in
                swap-down) file=$(f bench_m_swap.down) ;;
                swap-again) file=$(f bench_m_swap.up) ;;
                *) file=$(f "bench_m_$s.up") ;;
            esac
            t0=$(now)
            $PSQL -f "$file" >"$W/$run.$s" 2>&1 || { touch "$W/stop"; die "$run: $s" "$W/$run.$s"; }
            t1=$(now)
            times="$times $s $(secs "$t0" "$t1")"
            [ "$s" = swap ] && swap_s=$(secs "$t0" "$t1")
            [ "$s" = backfill ] && copied=$($PSQL -At -c "SELECT rows_copied FROM bench_m_backfill_state")
            sleep 1
        done
        touch "$W/stop"
        for p in $wpids; do wait "$p"; done
        cat "$W"/w_"$run"_*.err >"$W/$run.werr"
        grep -q ERROR "$W/$run.werr" && die "$run: a writer's transaction failed" "$W/$run.werr"
        same "$run"
        nt=$(cat "$W"/w_"$run"_*.out | grep -c '^COMMIT$')
        sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' "$W"/w_"$run"_*.out | sort -n >"$W/$run.lats"
        maxlat=$(tail -n 1 "$W/$run.lats")
        med=$(awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }' "$W/$run.lats")
        kind=$($PSQL -At -c "SELECT relkind FROM pg_class WHERE oid = 'bench_m'::regclass")
        [ "$kind" = p ] || die "$run: bench_m is not partitioned at the end"
        line=$(printf '  %-6s %8s rows: copied %8s; swap file %5s s; writers: %6s transactions, statement max %7s ms, median %5s ms; same rows after swap, rollback, swap again\n     phases:%s' \
               "$method" "$n" "$copied" "$swap_s" "$nt" "$maxlat" "$med" "$times")
        report="$report
$line"
    done
done
pgver=$($PSQL -At -c "SHOW server_version")
echo "partc bench methods: PostgreSQL $pgver; $WRITERS writers (insert, update, delete, each mirrored in the same transaction)"
echo "  copy: the rows are copied into a new partitioned table; attach: the table becomes the partition before the cutover"
echo "$report" | sed '1d'
exit 0
