#!/bin/sh
# incoming_foreign_keys: rewire: the preflight refuses, in one error and
# before anything is created, every foreign key into the table that cannot
# be rewired as the spec says: one of a table the spec set does not declare,
# a DEFERRABLE one, a NOT VALID one, one with other actions, and a declared
# one that does not exist; once the tables are fixed the same files apply.
# Runs inside the cluster of run-all.sh (PGHOST and friends are set).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
tmp=$(mktemp -d)
db=partc_t_rewire_preflight
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() {
    echo "FAIL convert_rewire_preflight: $1"
    [ -z "${2:-}" ] || sed 's/^/    /' "$2"
    exit 1
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }

mkdir -p "$tmp/spec"
cat >"$tmp/spec/orders.yaml" <<'YAML'
version: 1
tables:
  orders:
    mode: convert
    columns:
      id:         { type: bigint, nullable: false }
      created_at: { type: timestamptz, nullable: false }
    primary_key: [id]
    partition: { key: created_at, interval: monthly, start: 2026-01-01 }
    migrate: { incoming_foreign_keys: rewire }
    lint:
      allow:
        uniqueness-weakened: "a test"
        maintenance-unscheduled: "a test"
        incoming-foreign-keys-rewired: "a test"
  items:
    mode: reference
    columns: { id: { type: bigint }, order_id: { type: bigint, nullable: false } }
    primary_key: [id]
    foreign_keys:
      - { columns: [order_id], references: { table: orders, columns: [id] }, on_delete: cascade }
  refunds:
    mode: reference
    columns: { id: { type: bigint }, order_id: { type: bigint } }
    primary_key: [id]
    foreign_keys:
      - { columns: [order_id], references: { table: orders, columns: [id] } }
  notes:
    mode: reference
    columns: { id: { type: bigint }, order_id: { type: bigint } }
    primary_key: [id]
    foreign_keys:
      - { columns: [order_id], references: { table: orders, columns: [id] } }
  shipments:
    mode: reference
    columns: { id: { type: bigint }, order_id: { type: bigint } }
    primary_key: [id]
    foreign_keys:
      - { columns: [order_id], references: { table: orders, columns: [id] }, on_delete: set null }
YAML
"$PARTC" compile "$tmp/spec" --out "$tmp/out" --as-of 2026-11-22 >"$tmp/compile.txt" 2>&1 || fail "compile" "$tmp/compile.txt"

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>"$tmp/err" ||
    fail "create database" "$tmp/err"
q <<'SQL' >"$tmp/setup.txt" 2>&1 || fail "setup" "$tmp/setup.txt"
CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);
INSERT INTO orders SELECT g, '2026-03-01'::timestamptz + g * interval '1 hour' FROM generate_series(1, 100) g;
CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint NOT NULL
                    REFERENCES orders (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE refunds (id bigint PRIMARY KEY, order_id bigint);
ALTER TABLE refunds ADD FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;
CREATE TABLE notes (id bigint PRIMARY KEY, order_id bigint);
CREATE TABLE shipments (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id) ON DELETE CASCADE);
CREATE TABLE audits (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));
SQL
for f in "$tmp/out/"*_partc_runtime_v1.up.sql "$tmp/out/"*_orders_prepare.up.sql; do
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$f" >"$tmp/out.txt" 2>&1 || break
done
for want in "foreign key items_order_id_fkey of public.items is DEFERRABLE" \
            "foreign key refunds_order_id_fkey of public.refunds is NOT VALID (validate it first)" \
            "foreign key (order_id) of public.notes to the table is declared but public.notes has none" \
            "foreign key shipments_order_id_fkey of public.shipments is ON DELETE CASCADE; the spec says on_delete: set null" \
            "foreign key audits_order_id_fkey of public.audits references the table: after the swap it would still point at the old table (declare it"; do
    grep -qF "$want" "$tmp/out.txt" || fail "the preflight does not say: $want" "$tmp/out.txt"
done
[ "$(q -c "SELECT count(*) FROM pg_class WHERE relname IN ('orders_partitioned', 'orders_rewire')")" = 0 ] ||
    fail "the refused prepare created something"

q <<'SQL' >"$tmp/fix.txt" 2>&1 || fail "fix" "$tmp/fix.txt"
ALTER TABLE items DROP CONSTRAINT items_order_id_fkey;
ALTER TABLE items ADD FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE;
ALTER TABLE refunds VALIDATE CONSTRAINT refunds_order_id_fkey;
ALTER TABLE notes ADD FOREIGN KEY (order_id) REFERENCES orders (id);
ALTER TABLE shipments DROP CONSTRAINT shipments_order_id_fkey;
ALTER TABLE shipments ADD FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE SET NULL;
DROP TABLE audits;
SQL
for f in "$tmp/out/"*_orders_prepare.up.sql "$tmp/out/"*_orders_prepare_rewire.up.sql; do
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$f" >"$tmp/out2.txt" 2>&1 || fail "$(basename "$f") after the fix" "$tmp/out2.txt"
done
[ "$(q -c "SELECT count(*) FROM pg_attribute WHERE attname = 'orders_created_at' AND NOT attisdropped")" = 4 ] ||
    fail "the four referencing tables did not get orders_created_at"
psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null 2>&1
echo "ok convert_rewire_preflight (5 foreign keys refused in one error, nothing created; applied once fixed)"
