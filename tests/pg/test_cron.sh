#!/bin/sh
# With pg_cron installed in the database, a spec with maintenance.schedule
# schedules one job per table and its rollback removes it.  Runs inside the
# cluster of run-all.sh (PGHOST and friends are set), in the database that
# pg_cron serves (cron.database_name = partc_cron, created by lib.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
if ! psql -X -At -d postgres -c "SHOW shared_preload_libraries" 2>/dev/null | grep -q pg_cron; then
    echo "ok cron (pg_cron not preloaded: the NOTICE path is covered by the examples)"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL cron: $*"; exit 1; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d partc_cron "$@"; }

mkdir -p "$tmp/spec"
cat >"$tmp/spec/cron.yaml" <<'YAML'
version: 1
tables:
  metrics:
    columns:
      id: { type: bigint, identity: always }
      taken_at: { type: timestamptz, nullable: false }
    primary_key: [id, taken_at]
    partition: { key: taken_at, interval: daily, start: 2026-11-20, premake: 3 }
    retention: { keep: 7 days, action: drop }
    maintenance: { schedule: "15 * * * *" }
YAML
"$PARTC" compile "$tmp/spec" --out "$tmp/out" --as-of 2026-11-22 >/dev/null || fail "compile"
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS pg_cron" >/dev/null || fail "create extension"
q -f "$tmp/out/0001_partc_runtime_v1.up.sql" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; fail "runtime up"; }
q -f "$tmp/out/0002_create_metrics.up.sql" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; fail "up"; }
job=$(q -c "SELECT schedule || ' ' || command FROM cron.job WHERE jobname = 'partc:public.metrics:maintain'")
[ "$job" = "15 * * * * SELECT partc.maintain('public', 'metrics')" ] || fail "job is '$job'"
q -f "$tmp/out/0002_create_metrics.down.sql" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; fail "down"; }
n=$(q -c "SELECT count(*) FROM cron.job")
[ "$n" = 0 ] || fail "$n jobs left after the rollback"
q -f "$tmp/out/0002_create_metrics.up.sql" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; fail "up again"; }
q -f "$tmp/out/0002_create_metrics.down.sql" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; fail "down again"; }
q -f "$tmp/out/0001_partc_runtime_v1.down.sql" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; fail "runtime down"; }
echo "ok cron"
