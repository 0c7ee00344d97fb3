#!/bin/sh
# A conversion deployed in stages, its backfill in the background: a plain
# table with rows is converted with migrate.through prepare, then backfill,
# swap and cleanup, one compile (for dbmate) and one deploy each.  Each
# compile adds only the next phase and touches no recorded file; lint with
# --target dbmate --fail-on warning is clean at every stage.  The backfill
# (migrate.backfill_in: pg_cron) starts a pg_cron job and returns; the swap
# refuses, saying why, until the job is done; partc.conversions() says where
# the conversion stands; writes made meanwhile are all there after the swap,
# and the rollback of swap, backfill and prepare gives the plain table back
# with every row.  Runs inside the cluster of run-all.sh, in the database
# pg_cron serves (partc_cron); without pg_cron preloaded it says so and
# passes (the golden case convert-staged covers the copy in the migration).
# All of it twice: migrate.method copy, then attach (no row copied; the
# backfill stage adds the concurrent index builds before its migration, and
# the job validates the bound and swaps the keys).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
if ! psql -X -At -d postgres -c "SHOW shared_preload_libraries" 2>/dev/null | grep -q pg_cron; then
    echo "ok convert_staged (pg_cron not preloaded: skipped)"
    exit 0
fi
tmp=$(mktemp -d)
db=partc_cron
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d $db "$@"; }
cleanup() {
    q -c "SELECT cron.unschedule(jobid) FROM cron.job" -c "DROP TABLE IF EXISTS visits, visits_partitioned, visits_old CASCADE" \
      -c "DROP SCHEMA IF EXISTS partc CASCADE" >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail() {
    echo "FAIL convert_staged${method:+ ($method)}: $1"
    [ -z "${2:-}" ] || [ ! -s "$2" ] || sed 's/^/    /' "$2" | head -n 30
    exit 1
}
run_method() {
method=$1
refused=""
t0=$(date +%s)
cleanup
mkdir -p "$tmp"
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS pg_cron" >/dev/null || fail "create extension"
q -c "CREATE TABLE visits (id bigint NOT NULL, at timestamptz NOT NULL, path text, PRIMARY KEY (id, at))" \
  -c "INSERT INTO visits SELECT i, timestamptz '2026-09-01' + i * interval '1 minute', 'p' || i FROM generate_series(1, 30000) i" \
  >/dev/null || fail "the plain table"
if [ "$method" = attach ]; then
    # a key without the partition key: the backfill stage builds its indexes
    q -c "ALTER TABLE visits DROP CONSTRAINT visits_pkey, ADD PRIMARY KEY (id)" >/dev/null || fail "the key"
    key="[id]"
    extra=", method: attach, cutover: 2099-01-01"
    allow=", uniqueness-weakened: \"ids come from one sequence\""
else
    key="[id, at]"
    extra=""
    allow=""
fi
spec() {
    mkdir -p "$tmp/spec"
    cat >"$tmp/spec/visits.yaml" <<YAML
version: 1
tables:
  visits:
    mode: convert
    columns:
      id: { type: bigint, nullable: false }
      at: { type: timestamptz, nullable: false }
      path: { type: text }
    primary_key: $key
    partition: { key: at, interval: monthly, start: 2026-09-01, premake: 2, default_partition: true }
    migrate: { batch_size: 5000, keep_old: 1 day, through: $1, backfill_in: pg_cron$extra }
    lint: { allow: { maintenance-unscheduled: "the test runs it"$allow } }
YAML
}
: >"$tmp/seen"
stage() {  # compile through $1 for dbmate: one new file, the recorded ones kept
    spec "$1"
    "$PARTC" lint "$tmp/spec" --target dbmate --fail-on warning >"$tmp/lint" 2>&1 || fail "lint at $1" "$tmp/lint"
    cp -r "$tmp/out" "$tmp/before" 2>/dev/null || mkdir -p "$tmp/before"
    "$PARTC" compile "$tmp/spec" --out "$tmp/out" --as-of 2026-11-22 --target dbmate >"$tmp/c" 2>&1 || fail "compile at $1" "$tmp/c"
    for f in "$tmp/before/"*.sql; do
        [ -f "$f" ] || continue
        cmp -s "$f" "$tmp/out/$(basename "$f")" || fail "$1 rewrote $(basename "$f")"
    done
    rm -rf "$tmp/before"
    ls "$tmp/out" | grep '\.sql$' | sort | comm -13 "$tmp/seen" - >"$tmp/new"
    ls "$tmp/out" | grep '\.sql$' | sort >"$tmp/seen"
    "$PARTC" check "$tmp/spec" --out "$tmp/out" --as-of 2026-11-22 --target dbmate >"$tmp/c" 2>&1 || fail "check at $1" "$tmp/c"
}
up() {  # the up section of a dbmate file
    sed -n '/^-- migrate:up/,/^-- migrate:down/p' "$1" | sed '$d' >"$tmp/up.sql"
    q -f "$tmp/up.sql" >"$tmp/up.out" 2>&1
}
down() {
    sed -n '/^-- migrate:down/,$p' "$1" >"$tmp/down.sql"
    q -f "$tmp/down.sql" >"$tmp/down.out" 2>&1
}
file() { ls "$tmp/out/"*"_$1.sql"; }

stage prepare
[ "$(wc -l <"$tmp/new")" = 2 ] || fail "prepare: not the runtime and prepare" "$tmp/new"
up "$(file partc_runtime_v1)" || fail "runtime" "$tmp/up.out"
up "$(file visits_prepare)" || fail "prepare" "$tmp/up.out"
[ "$(q -c "SELECT phase || '/' || backfill FROM partc.conversions()")" = prepare/new ] || fail "conversions() after prepare"

stage backfill
if [ "$method" = attach ]; then
    [ "$(cat "$tmp/new" | tr '\n' ' ')" = "$(basename "$(file visits_backfill_index_1)") $(basename "$(file visits_backfill_index_2)") $(basename "$(file visits_backfill)") " ] ||
        fail "backfill: not its two index builds and its migration" "$tmp/new"
    up "$(file visits_backfill_index_1)" || fail "index 1" "$tmp/up.out"
    up "$(file visits_backfill_index_2)" || fail "index 2" "$tmp/up.out"
else
    [ "$(cat "$tmp/new")" = "$(basename "$(file visits_backfill)")" ] || fail "backfill: more than its migration" "$tmp/new"
fi
up "$(file visits_backfill)" || fail "backfill" "$tmp/up.out"
grep -q "runs as pg_cron job" "$tmp/up.out" || fail "the backfill did not start a job" "$tmp/up.out"
[ "$(q -c "SELECT job FROM partc.conversions()")" = "partc:public.visits:backfill" ] || fail "conversions() names no job"

stage swap
[ "$(cat "$tmp/new")" = "$(basename "$(file visits_swap)")" ] || fail "swap: more than its migration" "$tmp/new"
if [ "$(q -c "SELECT backfill FROM partc.conversions()")" != done ]; then
    if up "$(file visits_swap)"; then fail "the swap ran before the backfill was done"; fi
    grep -q "is not complete" "$tmp/up.out" && grep -q "conversions()" "$tmp/up.out" || fail "the swap's refusal" "$tmp/up.out"
    refused=1
fi
# writes while the job copies
q -c "INSERT INTO visits SELECT i, timestamptz '2026-11-01' + i * interval '1 minute', 'w' FROM generate_series(30001, 30500) i" \
  -c "UPDATE visits SET path = 'u' WHERE id % 100 = 0" -c "DELETE FROM visits WHERE id % 1000 = 1" >/dev/null || fail "writes"
n=0
while [ "$(q -c "SELECT backfill FROM partc.conversions()")" != done ]; do
    n=$((n + 1))
    if [ $n -gt 300 ]; then
        q -c "SELECT jobid, jobname, schedule, active FROM cron.job" \
          -c "SELECT jobid, status, return_message, start_time FROM cron.job_run_details ORDER BY runid DESC LIMIT 5" >"$tmp/cron" 2>&1
        fail "the job did not finish in 300 s: $(q -c "SELECT * FROM partc.conversions()")" "$tmp/cron"
    fi
    sleep 1
done
waited=$(( $(date +%s) - t0 ))
sleep 1
[ "$(q -c "SELECT count(*) FROM cron.job")" = 0 ] || fail "the job did not remove itself"
q -c "SELECT count(*) FROM visits" >"$tmp/n_before"
u=$(q -c "SELECT count(*) FROM visits WHERE path = 'u'")
up "$(file visits_swap)" || fail "swap" "$tmp/up.out"
[ "$(q -c "SELECT count(*) FROM visits")" = "$(cat "$tmp/n_before")" ] || fail "rows lost at the swap"
[ "$u" = 305 ] && [ "$(q -c "SELECT count(*) FROM visits WHERE path = 'u'")" = 305 ] || fail "updates lost"
[ "$(q -c "SELECT relkind FROM pg_class WHERE oid = 'visits'::regclass")" = p ] || fail "visits is not partitioned"
if [ "$method" = attach ]; then
    [ "$(q -c "SELECT count(*) FROM ONLY visits_old")" = "$(cat "$tmp/n_before")" ] || fail "attach: not every row in visits_old"
    [ "$(q -c "SELECT rows_copied FROM visits_backfill_state")" = 0 ] || fail "attach: rows were copied"
fi

# back to the plain table, every row kept, and forward again
down "$(file visits_swap)" || fail "swap down" "$tmp/down.out"
down "$(file visits_backfill)" || fail "backfill down" "$tmp/down.out"
if [ "$method" = attach ]; then
    down "$(file visits_backfill_index_2)" || fail "index 2 down" "$tmp/down.out"
    down "$(file visits_backfill_index_1)" || fail "index 1 down" "$tmp/down.out"
fi
down "$(file visits_prepare)" || fail "prepare down" "$tmp/down.out"
[ "$(q -c "SELECT relkind || count(*) FROM pg_class c, visits WHERE c.oid = 'visits'::regclass GROUP BY relkind")" = "r$(cat "$tmp/n_before")" ] ||
    fail "the rollback did not give the plain table back with every row"
up "$(file visits_prepare)" || fail "prepare again" "$tmp/up.out"
if [ "$method" = attach ]; then
    up "$(file visits_backfill_index_1)" || fail "index 1 again" "$tmp/up.out"
    up "$(file visits_backfill_index_2)" || fail "index 2 again" "$tmp/up.out"
fi
up "$(file visits_backfill)" || fail "backfill again" "$tmp/up.out"
# the same job again; stopped by the backfill's rollback before it runs
down "$(file visits_backfill)" || fail "backfill down with its job pending" "$tmp/down.out"
[ "$(q -c "SELECT count(*) FROM cron.job")" = 0 ] || fail "the backfill's rollback left its job"
down "$(file visits_prepare)" || fail "prepare down at the end" "$tmp/down.out"

stage cleanup
[ "$(cat "$tmp/new")" = "$(basename "$(file visits_cleanup)")" ] || fail "cleanup: more than its migration" "$tmp/new"
said="$said${said:+; }$method: prepare, backfill, swap, cleanup compiled one stage at a time, lint clean at each; the pg_cron job $([ "$method" = attach ] && echo "validated the bound of" || echo copied) $(cat "$tmp/n_before") rows in ${waited} s${refused:+ while the swap refused}, then removed itself; rolled back with every row"
}
said=""
run_method copy
run_method attach
echo "ok convert_staged ($said)"
