#!/bin/sh
# The rollback of a table whose retention detached or archived partitions
# keeps those tables (their rows may still be needed) and says which, in a
# NOTICE, both for a created table and for a converted one before its swap
# is rolled back.  Runs inside the cluster of run-all.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() {
    echo "FAIL retention_rollback: $1"
    [ -z "${2:-}" ] || [ ! -s "$2" ] || sed 's/^/    /' "$2" | head -n 20
    exit 1
}
db=partc_retention_rollback
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>"$tmp/err" ||
    fail "create database" "$tmp/err"
export PGDATABASE=$db
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

mkdir -p "$tmp/spec"
cat >"$tmp/spec/logs.yaml" <<'YAML'
version: 1
tables:
  kept_logs:
    columns:
      id: { type: bigint, identity: always }
      at: { type: timestamptz, nullable: false }
    primary_key: [id, at]
    partition: { key: at, interval: monthly, start: 2026-01-01, premake: 1 }
    retention: { keep: 1 month, action: detach }
    lint: { allow: { maintenance-unscheduled: "called by the test", premake-too-short: "test" } }
  cold_logs:
    columns:
      id: { type: bigint, identity: always }
      at: { type: timestamptz, nullable: false }
    primary_key: [id, at]
    partition: { key: at, interval: monthly, start: 2026-01-01, premake: 1 }
    retention: { keep: 1 month, action: archive, archive_schema: cold }
    lint: { allow: { maintenance-unscheduled: "called by the test", premake-too-short: "test" } }
YAML
"$PARTC" compile "$tmp/spec" --out "$tmp/out" --as-of 2026-03-15 >"$tmp/out.txt" 2>&1 || fail "compile" "$tmp/out.txt"
for f in "$tmp/out/"*.up.sql; do q -f "$f" >/dev/null 2>"$tmp/err" || fail "up $(basename "$f")" "$tmp/err"; done
n=$(q -c "SELECT partc.apply_retention('public', 'kept_logs', '2026-06-15'), partc.apply_retention('public', 'cold_logs', '2026-06-15')")
[ "$n" = "4|4" ] || fail "retention retired '$n', want 4|4 (January to April)"

for f in $(ls "$tmp/out/"*.down.sql | sort -r); do
    psql -X -q -v ON_ERROR_STOP=1 -f "$f" >"$tmp/down.out" 2>&1 || fail "down $(basename "$f")" "$tmp/down.out"
    case $f in
        *kept_logs*) want="keeping the tables that retention detached from public.kept_logs: public.kept_logs_2026_01, public.kept_logs_2026_02, public.kept_logs_2026_03, public.kept_logs_2026_04" ;;
        *cold_logs*) want="keeping the tables that retention detached from public.cold_logs: cold.cold_logs_2026_01, cold.cold_logs_2026_02, cold.cold_logs_2026_03, cold.cold_logs_2026_04" ;;
        *) want="" ;;  # the runtime's, last
    esac
    [ -z "$want" ] || grep -qF "$want" "$tmp/down.out" || fail "the rollback does not name what it keeps: $want" "$tmp/down.out"
done
[ "$(q -c "SELECT count(*) FROM pg_class WHERE relname ~ '^(kept|cold)_logs_2026_0[1-4]$' AND relkind = 'r'")" = 8 ] ||
    fail "the retired tables are not kept"
# once they are gone, a rollback names nothing
q -c "DROP TABLE kept_logs_2026_01, kept_logs_2026_02, kept_logs_2026_03, kept_logs_2026_04" \
  -c "DROP TABLE cold.cold_logs_2026_01, cold.cold_logs_2026_02, cold.cold_logs_2026_03, cold.cold_logs_2026_04" \
    >/dev/null || fail "drop the kept tables"
for f in "$tmp/out/"*.up.sql; do q -f "$f" >/dev/null 2>"$tmp/err" || fail "up again $(basename "$f")" "$tmp/err"; done
for f in $(ls "$tmp/out/"*.down.sql | sort -r); do
    psql -X -q -v ON_ERROR_STOP=1 -f "$f" >"$tmp/down.out" 2>&1 || fail "down again $(basename "$f")" "$tmp/down.out"
    ! grep -q "keeping the tables" "$tmp/down.out" || fail "a rollback names tables that are not there" "$tmp/down.out"
done
psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null 2>&1
echo "ok retention_rollback"
