#!/bin/sh
# The prepare phase of a conversion checks the live table against its spec
# first: every mismatch is listed in one error, and nothing is created.  Then,
# once the table is fixed, the same file applies.  Runs inside the cluster of
# run-all.sh (PGHOST and friends are set).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
tmp=$(mktemp -d)
db=partc_t_preflight
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() {
    echo "FAIL convert_preflight: $1"
    [ -z "${2:-}" ] || sed 's/^/    /' "$2"
    exit 1
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }

mkdir -p "$tmp/spec"
cat >"$tmp/spec/orders.yaml" <<'YAML'
version: 1
tables:
  customers:
    mode: reference
    columns: { id: { type: bigint } }
    primary_key: [id]
  events:
    mode: convert
    columns:
      id:          { type: bigint }
      customer_id: { type: bigint }
      kind:        { type: text }
      created_at:  { type: timestamptz, nullable: false }
    primary_key: [id]
    partition: { key: created_at, interval: monthly, start: 2026-01-01 }
    indexes:
      - { name: events_kind_idx, columns: [kind] }
    foreign_keys:
      - { columns: [customer_id], references: { table: customers, columns: [id] } }
    lint:
      allow:
        uniqueness-weakened: "test"
        maintenance-unscheduled: "test"
YAML
"$PARTC" compile "$tmp/spec" --out "$tmp/out" --as-of 2026-11-22 >/dev/null 2>"$tmp/err" || fail "compile" "$tmp/err"
prepare=$(ls "$tmp/out/"*_events_prepare.up.sql)

psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null || fail "create database"
q >/dev/null <<'SQL' || fail "setup"
CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE events (id bigint PRIMARY KEY, customer_id bigint, kind integer,
                     created_at timestamptz, note text);
CREATE INDEX events_note_idx ON events (note);
CREATE TABLE replies (id bigint PRIMARY KEY, event_id bigint REFERENCES events (id));
CREATE VIEW recent_events AS SELECT * FROM events;
CREATE FUNCTION count_events() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM events; END;
INSERT INTO events VALUES (1, NULL, 1, '2025-12-31 23:00:00+00', 'early'), (2, NULL, 1, NULL, 'no key'),
                          (3, NULL, 1, '2025-12-01 00:00:00+00', 'earlier');
SQL
q -f "$(ls "$tmp/out/"*_partc_runtime_v1.up.sql)" >"$tmp/out.txt" 2>&1 || fail "the runtime" "$tmp/out.txt"
pg_dump --schema-only -d "$db" | grep -v '^\\\(un\)\{0,1\}restrict ' >"$tmp/before.sql"

if q -f "$prepare" >"$tmp/out.txt" 2>&1; then
    fail "prepare applied to a table that does not match" "$tmp/out.txt"
fi
for want in "column kind is integer, the spec says text" \
            "partition key created_at allows NULL and is NULL in 1 of the rows" \
            "rows before partition.start 2026-01-01 00:00:00+00: 2 (the earliest created_at is 2025-12-01 00:00:00+00)" \
            "index events_note_idx is not declared under indexes" \
            "foreign key (customer_id) to public.customers is declared but the table has none" \
            "foreign key replies_event_id_fkey of public.replies references the table" \
            "view public.recent_events depends on the table" \
            "function public.count_events() depends on the table" \
            "index events_kind_idx"; do
    case "$want" in
        "index events_kind_idx") grep -q "events_kind_idx" "$tmp/out.txt" && fail "declared-only index reported" "$tmp/out.txt" ;;
        *) grep -qF "$want" "$tmp/out.txt" || fail "preflight does not say: $want" "$tmp/out.txt" ;;
    esac
done
pg_dump --schema-only -d "$db" | grep -v '^\\\(un\)\{0,1\}restrict ' >"$tmp/after.sql"
cmp -s "$tmp/before.sql" "$tmp/after.sql" || fail "a failed preflight changed the schema"

# rows before partition.start, with no default partition
q >/dev/null <<'SQL' || fail "fix the table"
DROP VIEW recent_events;
DROP FUNCTION count_events();
DROP TABLE replies;
DROP INDEX events_note_idx;
UPDATE events SET created_at = '2026-02-01' WHERE created_at IS NULL;
ALTER TABLE events ALTER COLUMN kind TYPE text, ALTER COLUMN created_at SET NOT NULL,
    ADD FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE;
CREATE INDEX events_kind_idx ON events (kind DESC NULLS LAST);
SQL
if q -f "$prepare" >"$tmp/out.txt" 2>&1; then
    fail "prepare applied with rows before partition.start" "$tmp/out.txt"
fi
grep -qF "rows before partition.start 2026-01-01 00:00:00+00: 2 (the earliest" "$tmp/out.txt" ||
    fail "rows before start not reported" "$tmp/out.txt"
# a declared index whose definition differs from the live one
grep -qF "index events_kind_idx is USING btree (kind DESC NULLS LAST) on the table, the spec says USING btree (kind)" "$tmp/out.txt" ||
    fail "an index defined otherwise than the spec is not reported" "$tmp/out.txt"
# a declared foreign key whose action differs from the spec's
grep -qF "foreign key events_customer_id_fkey is ON DELETE CASCADE ON UPDATE NO ACTION; the spec says on_delete: no action" "$tmp/out.txt" ||
    fail "a foreign key with another action than the spec's is not reported" "$tmp/out.txt"
q -c "DROP INDEX events_kind_idx" -c "CREATE INDEX events_kind_idx ON events (kind)" >/dev/null || fail "fix the index"
q -c "ALTER TABLE events DROP CONSTRAINT events_customer_id_fkey, ADD FOREIGN KEY (customer_id) REFERENCES customers (id)" >/dev/null ||
    fail "fix the foreign key"

q -c "UPDATE events SET created_at = '2026-03-01' WHERE created_at < '2026-01-01'" >/dev/null || fail "move the rows"
q -f "$prepare" >"$tmp/out.txt" 2>&1 || fail "prepare on a matching table" "$tmp/out.txt"

# prepare applied twice: said as such, with what to do, and nothing changes
pg_dump --schema-only -d "$db" | grep -v '^\\\(un\)\{0,1\}restrict ' >"$tmp/before.sql"
if q -f "$prepare" >"$tmp/out.txt" 2>&1; then
    fail "prepare applied a second time" "$tmp/out.txt"
fi
grep -qF "the prepare phase of public.events has run already" "$tmp/out.txt" &&
    grep -qF "go on with the backfill migration" "$tmp/out.txt" ||
    fail "a second prepare does not say that prepare has run" "$tmp/out.txt"
! grep -q "is taken" "$tmp/out.txt" || fail "a second prepare says a name is taken" "$tmp/out.txt"
pg_dump --schema-only -d "$db" | grep -v '^\\\(un\)\{0,1\}restrict ' >"$tmp/after.sql"
cmp -s "$tmp/before.sql" "$tmp/after.sql" || fail "a second prepare changed the schema"

# a column changed after prepare: the backfill refuses to copy shifted rows
q -c "ALTER TABLE events DROP COLUMN note" >/dev/null || fail "drop a column"
if q -f "$(ls "$tmp/out/"*_events_backfill.up.sql)" >"$tmp/out.txt" 2>&1; then
    fail "backfill ran although the columns differ" "$tmp/out.txt"
fi
grep -qF "the columns of public.events and public.events_partitioned differ" "$tmp/out.txt" ||
    fail "column change not reported" "$tmp/out.txt"
psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null
echo "ok convert_preflight"
