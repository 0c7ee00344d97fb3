#!/bin/sh
# Conversions and isolation levels, driven through a second session (dblink):
#   - a backfill called where REPEATABLE READ is the default still runs each
#     of its transactions in READ COMMITTED, and verifies;
#   - a REPEATABLE READ writer whose snapshot predates the switch to
#     mirroring gets a serialization failure instead of a silent mismatch;
#   - nobody but the owner can attach the SECURITY DEFINER sync functions to
#     a table of theirs.
# Runs inside the cluster of run-all.sh (PGHOST and friends are set).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
tmp=$(mktemp -d)
db=partc_t_isolation
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() {
    echo "FAIL convert_isolation: $1"
    [ -z "${2:-}" ] || sed 's/^/    /' "$2"
    exit 1
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }

mkdir -p "$tmp/spec"
cat >"$tmp/spec/t.yaml" <<'YAML'
version: 1
tables:
  tally:
    mode: convert
    primary_key: [id]
    partition: { key: created_at, interval: monthly, start: 2026-01-01 }
    migrate: { batch_size: 100 }
    lint:
      allow:
        uniqueness-weakened: "test"
        maintenance-unscheduled: "test"
YAML
"$PARTC" compile "$tmp/spec" --out "$tmp/out" --as-of 2026-11-22 >/dev/null 2>"$tmp/err" || fail "compile" "$tmp/err"
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" \
    -c "CREATE DATABASE $db" >/dev/null || fail "create database"
q >/dev/null 2>"$tmp/err" <<SQL || fail "setup" "$tmp/err"
CREATE EXTENSION dblink;
CREATE TABLE tally (id bigint PRIMARY KEY, n integer NOT NULL, created_at timestamptz NOT NULL);
INSERT INTO tally SELECT i, 0, timestamptz '2026-01-01' + i * interval '1 hour' FROM generate_series(1, 5000) i;
DO \$\$ BEGIN CREATE ROLE partc_intruder LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$;
GRANT CREATE, TEMPORARY ON DATABASE $db TO partc_intruder;
SQL
q -f "$tmp/out/0001_partc_runtime_v1.up.sql" >/dev/null 2>"$tmp/err" || fail "runtime" "$tmp/err"
q -f "$tmp/out/0002_tally_prepare.up.sql" >/dev/null 2>"$tmp/err" || fail "prepare" "$tmp/err"

# a REPEATABLE READ writer (a second session, through dblink) takes its
# snapshot while keys are still captured; the backfill runs meanwhile
q >"$tmp/out.txt" 2>&1 <<SQL
SET default_transaction_isolation = 'repeatable read';
SELECT dblink_connect('w', 'host=$PGHOST port=${PGPORT:-5432} user=postgres dbname=$db');
SELECT dblink_exec('w', 'BEGIN ISOLATION LEVEL REPEATABLE READ');
SELECT * FROM dblink('w', 'SELECT count(*) FROM tally') AS x(n bigint);
\i $tmp/out/0003_tally_backfill.up.sql
SELECT 'phase ' || phase FROM tally_backfill_state;
SELECT 'writer: ' || coalesce((SELECT dblink_exec('w', 'DELETE FROM tally WHERE id = 7')), 'no error');
SQL
grep -q '^phase done' "$tmp/out.txt" || fail "backfill under a REPEATABLE READ default" "$tmp/out.txt"
grep -q 'snapshot predates the mirroring' "$tmp/out.txt" || fail "stale REPEATABLE READ writer not refused" "$tmp/out.txt"
n=$(q -c "SELECT (SELECT count(*) FROM tally) - (SELECT count(*) FROM tally_partitioned)") || fail "count"
[ "$n" = 0 ] || fail "tables differ by $n rows"

# the sync functions cannot be borrowed
psql -X -q -v ON_ERROR_STOP=1 -U partc_intruder -d "$db" >"$tmp/out.txt" 2>&1 <<'SQL' && fail "intruder attached a sync function" "$tmp/out.txt"
CREATE TEMP TABLE x (LIKE public.tally);
CREATE TRIGGER h AFTER INSERT ON x REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION public.tally_sync_forward();
SQL
grep -q 'permission denied' "$tmp/out.txt" || fail "intruder refused for another reason" "$tmp/out.txt"

psql -X -q -d postgres -c "DROP DATABASE $db" -c "DROP ROLE partc_intruder" >/dev/null
echo "ok convert_isolation"
