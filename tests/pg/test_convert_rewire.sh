#!/bin/sh
# incoming_foreign_keys: rewire under load.  Seed 003's orders (100,000 rows
# by default) and the four tables that reference it (order_items ON DELETE
# CASCADE, refunds, tickets ON DELETE SET NULL, inventory_operations ON
# DELETE RESTRICT; one or two items an order, refunds, tickets and inventory rows,
# some with no order) are converted with tests/pg/convert-rewire/orders.yaml
# while three writers insert orders with their items and tickets, add
# items, refunds and inventory rows to existing orders, move orders to
# other months, change their status, move items to other orders, delete
# orders (their refunds and inventory rows first, the items by cascade, the
# tickets' references set NULL) and try to add an item to an order that
# does not exist.  Every committed transaction writes the same to mirror
# tables.  The writers run through prepare, backfill, the index builds,
# swap, its rollback, the rollbacks of the index builds, the backfill and
# the prepare, then all of it again and the cleanup.  Checked at every step,
# in one snapshot with the writers running: each table equals its mirror
# (no row lost, stale or kept that a cascade removed), no referencing row is
# orphaned, and every filled column holds its order's created_at; after the
# rollbacks, the original foreign keys, validated, and no new column; at
# the end every foreign key is (order_id, column) -> the partitioned orders,
# validated, the columns NOT NULL where order_id is, no item for a missing
# order was ever committed, and every writer committed.
#
# Runs inside the cluster of run-all.sh, or starts its own when PGHOST is
# unset.  Prints one line: ok convert_rewire (figures) or FAIL convert_rewire: ...
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
dir=$here/convert-rewire
ROWS=${CONVERT_REWIRE_ROWS:-100000}
. "$here/lib.sh"
. "$here/convert-load/common.sh"
. "$here/convert-load/writers.sh"

cl_init convert_rewire partc_convert_rewire
t0=$(date +%s)

"$PARTC" compile "$dir" --out "$CL_WORK/out" --as-of 2026-11-22 ${PARTC_POSTGRES:+--postgres "$PARTC_POSTGRES"} \
    >"$CL_WORK/compile.out" 2>&1 ||
    cl_fail compile "partc compile exited $?" "$CL_WORK/compile.out"
mig() {  # the migration file of $1 (e.g. swap, backfill_index_2), way $2 (up | down)
    for m in "$CL_WORK/out/"*"_orders_$1.$2.sql"; do
        [ -f "$m" ] && echo "$m" && return 0
    done
    cl_fail compile "no $1.$2 migration" "$CL_WORK/compile.out"
}
runtime_up=$(ls "$CL_WORK/out/"*_partc_runtime_v1.up.sql) || cl_fail compile "no runtime migration" "$CL_WORK/compile.out"
nidx=$(ls "$CL_WORK/out/"*_orders_backfill_index_*.up.sql | wc -l)
[ "$nidx" = 4 ] || cl_fail compile "$nidx index builds, expected 4 (one a referencing table)" "$CL_WORK/compile.out"

$PSQL -X -q -v ON_ERROR_STOP=1 -v rows="$ROWS" -f "$dir/setup.sql" >"$CL_WORK/setup.out" 2>&1 ||
    cl_fail setup "setup.sql failed" "$CL_WORK/setup.out"
cl_apply runtime "$runtime_up"

# -- the writers ---------------------------------------------------------------
ts="timestamptz '2026-01-01 00:00:00+00' + random() * interval '330 days'"
pick="(SELECT o.id FROM orders o WHERE o.id >= gen_random_uuid() ORDER BY o.id LIMIT 1)"
rw_stream() {
    printf '%s\n' "SET lock_timeout = '1s';"
    i=0
    while [ ! -f "$1" ]; do
        i=$((i + 1))
        # the time an application spends between its transactions
        printf '%s\n' "SELECT pg_sleep(0.002);"
        case $((i % 10)) in
        0)  # a new order with two items and a ticket
            printf '%s\n' "BEGIN;" \
"WITH o AS (INSERT INTO orders (total_cents, created_at) VALUES (100, $ts) RETURNING id, status, created_at), m AS (INSERT INTO orders_m SELECT * FROM o) SELECT id AS oid FROM o \\gset" \
"WITH w AS (INSERT INTO order_items (order_id, qty) SELECT :'oid', g FROM generate_series(1, 2) g RETURNING id, order_id, qty) INSERT INTO items_m SELECT * FROM w;" \
"WITH w AS (INSERT INTO tickets (order_id, code) VALUES (:'oid', 'new') RETURNING id, order_id) INSERT INTO tickets_m SELECT * FROM w;" \
                "COMMIT;" ;;
        1)  # an item for an existing order
            printf '%s\n' "BEGIN;" \
"WITH w AS (INSERT INTO order_items (order_id, qty) SELECT $pick, 9 RETURNING id, order_id, qty) INSERT INTO items_m SELECT * FROM w;" \
                "COMMIT;" ;;
        2)  # a refund and an inventory row for existing orders
            printf '%s\n' "BEGIN;" \
"WITH w AS (INSERT INTO refunds (order_id, cents) SELECT $pick, 5 RETURNING id, order_id) INSERT INTO refunds_m SELECT * FROM w;" \
"WITH w AS (INSERT INTO inventory_operations (order_id, delta) SELECT $pick, -2 RETURNING id, order_id) INSERT INTO inventory_m SELECT * FROM w;" \
                "COMMIT;" ;;
        3)  # an order moves to (most likely) another month
            printf '%s\n' "BEGIN;" \
"WITH w AS (UPDATE orders o SET created_at = $ts WHERE o.id = $pick RETURNING o.id, o.status, o.created_at) UPDATE orders_m m SET status = w.status, created_at = w.created_at FROM w WHERE m.id = w.id;" \
                "COMMIT;" ;;
        4)  # a status change in place
            printf '%s\n' "BEGIN;" \
"WITH w AS (UPDATE orders o SET status = 'shipped' WHERE o.id = $pick RETURNING o.id, o.status, o.created_at) UPDATE orders_m m SET status = w.status, created_at = w.created_at FROM w WHERE m.id = w.id;" \
                "COMMIT;" ;;
        5)  # an order deleted: its refunds and inventory rows first, items by cascade, tickets set NULL
            printf '%s\n' "BEGIN;" \
                "SELECT o.id AS did FROM orders o WHERE o.id >= gen_random_uuid() ORDER BY o.id LIMIT 1 FOR UPDATE \\gset" \
                "DELETE FROM refunds WHERE order_id = :'did';" "DELETE FROM refunds_m WHERE order_id = :'did';" \
                "DELETE FROM inventory_operations WHERE order_id = :'did';" "DELETE FROM inventory_m WHERE order_id = :'did';" \
                "DELETE FROM orders WHERE id = :'did';" "DELETE FROM orders_m WHERE id = :'did';" \
                "DELETE FROM items_m WHERE order_id = :'did';" "UPDATE tickets_m SET order_id = NULL WHERE order_id = :'did';" \
                "COMMIT;" ;;
        6)  # an item for an order that does not exist: must fail (negative ids mark the attempts)
            printf '%s\n' "BEGIN;" \
"INSERT INTO order_items (id, order_id, qty) VALUES (-(floor(random() * 1e12)::bigint + 1), gen_random_uuid(), 1);" \
                "COMMIT;" ;;
        7)  # an item moves to another order
            printf '%s\n' "BEGIN;" \
"WITH w AS (UPDATE order_items i SET order_id = $pick WHERE i.id = (SELECT floor(random() * $((ROWS * 4 / 3)))::bigint + 1) RETURNING i.id, i.order_id, i.qty) UPDATE items_m m SET order_id = w.order_id FROM w WHERE m.id = w.id;" \
                "COMMIT;" ;;
        8)  # an item, then its order moves month (the referencing table first, then the referenced one)
            printf '%s\n' "BEGIN;" \
"WITH w AS (INSERT INTO order_items (order_id, qty) SELECT $pick, 3 RETURNING id, order_id, qty), m AS (INSERT INTO items_m SELECT * FROM w) SELECT order_id AS mid FROM w \\gset" \
"WITH w AS (UPDATE orders o SET created_at = $ts WHERE o.id = :'mid' RETURNING o.id, o.status, o.created_at) UPDATE orders_m m SET status = w.status, created_at = w.created_at FROM w WHERE m.id = w.id;" \
                "COMMIT;" ;;
        9)  # a ticket without an order, and one moved to another order
            printf '%s\n' "BEGIN;" \
"WITH w AS (INSERT INTO tickets (order_id, code) VALUES (NULL, 'walk-in') RETURNING id, order_id) INSERT INTO tickets_m SELECT * FROM w;" \
"WITH w AS (UPDATE tickets t SET order_id = $pick WHERE t.id = (SELECT floor(random() * $ROWS)::bigint + 1) RETURNING t.id, t.order_id) UPDATE tickets_m m SET order_id = w.order_id FROM w WHERE m.id = w.id;" \
                "COMMIT;" ;;
        esac
    done
}
rw_writer_start() {
    rm -f "$CL_WORK/stop"
    (rw_stream "$CL_WORK/stop" | PGAPPNAME="partc_writer_$1" $PSQL -X -v oid=00000000-0000-0000-0000-000000000000 \
        -v did=00000000-0000-0000-0000-000000000000 -v mid=00000000-0000-0000-0000-000000000000 \
        >"$CL_WORK/writer_$1.out" 2>"$CL_WORK/writer_$1.err") 2>/dev/null &
    cl_writer_pids="$cl_writer_pids $!"
    cl_writer_names="$cl_writer_names $1"
}

# -- the checks ----------------------------------------------------------------
# rw_check STEP COLUMNS: COLUMNS 0 before the prepare (no new column), 1 with
# the columns still being filled, 2 once filled (every one must be set)
mirror() {  # $1 the table's columns as the mirror has them, $2 table, $3 mirror: 0 when both hold the same rows
    # (the count and the sum of a 64-bit hash of every row, each side)
    echo "((SELECT count(*) || ':' || coalesce(sum(hashtextextended(x::text, 0)), 0) FROM (SELECT $1 FROM $2) x)
           IS DISTINCT FROM (SELECT count(*) || ':' || coalesce(sum(hashtextextended(y::text, 0)), 0) FROM $3 y))::int"
}
orphans() {  # $1 table
    echo "(SELECT count(*) FROM $1 r WHERE r.order_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = r.order_id))"
}
stale() {  # $1 table, $2 column, $3 filled (true | false)
    echo "(SELECT count(*) FROM $1 r LEFT JOIN orders o ON o.id = r.order_id
            WHERE (r.order_id IS NULL AND r.$2 IS NOT NULL)
               OR (r.order_id IS NOT NULL AND r.$2 IS DISTINCT FROM o.created_at AND (r.$2 IS NOT NULL OR $3)))"
}
rw_check() {
    sql="SELECT concat_ws('|', $(mirror 'id, status, created_at' orders orders_m), $(mirror 'id, order_id, qty' order_items items_m),
                 $(mirror 'id, order_id' refunds refunds_m), $(mirror 'id, order_id' tickets tickets_m),
                 $(mirror 'id, order_id' inventory_operations inventory_m),
                 $(orphans order_items) + $(orphans refunds) + $(orphans tickets) + $(orphans inventory_operations)"
    if [ "$2" != 0 ]; then
        f=$([ "$2" = 2 ] && echo true || echo false)
        sql="$sql, $(stale order_items orders_created_at "$f") + $(stale refunds orders_created_at "$f")
                   + $(stale tickets orders_created_at "$f") + $(stale inventory_operations orders_created_at "$f")"
    else
        sql="$sql, (SELECT count(*) FROM pg_attribute WHERE attname = 'orders_created_at' AND NOT attisdropped)"
    fi
    r=$(q "$sql)" 2>"$CL_WORK/err") || cl_fail "$1" "check query failed" "$CL_WORK/err"
    case $r in
        0\|0\|0\|0\|0\|0\|0) ;;
        *) cl_fail "$1" "orders|items|refunds|tickets|inventory against their mirrors, orphans, stale or unexpected columns: $r" ;;
    esac
    if ! cl_writers_alive; then
        tail -n 5 "$CL_WORK"/writer_*.err >"$CL_WORK/writers.err" 2>&1
        cl_fail "$1" "a writer stopped" "$CL_WORK/writers.err"
    fi
}
# rw_fks STEP WANT: the four foreign keys, "confrelid kind:columns:validated" each
rw_fks() {
    r=$(q "SELECT string_agg(c.confrelid::regclass::text || ' ' || (SELECT relkind::text FROM pg_class WHERE oid = c.confrelid)
                              || ':' || array_length(c.conkey, 1) || ':' || c.convalidated, ',' ORDER BY c.conname)
             FROM pg_constraint c
            WHERE c.contype = 'f' AND c.conparentid = 0
              AND c.conrelid IN ('order_items'::regclass, 'refunds'::regclass, 'tickets'::regclass,
                                 'inventory_operations'::regclass)") || cl_fail "$1" "catalog query failed"
    [ "$r" = "$2" ] || cl_fail "$1" "foreign keys are '$r', expected '$2'"
}
plain_valid="orders r:1:true,orders r:1:true,orders r:1:true,orders r:1:true"

times=""
step() {  # step NAME FILE [COLUMNS]
    s=$(date +%s)
    cl_apply "$1" "$2"
    times="$times $1 $(($(date +%s) - s))s,"
    [ -z "${3:-}" ] || rw_check "$1" "$3"
}
forward() {  # the conversion through the swap; $1 tags the step names
    step "prepare$1" "$(mig prepare up)" 0
    step "prepare_rewire$1" "$(mig prepare_rewire up)" 1
    # until the swap, a REPEATABLE READ transaction may not change an order's created_at
    out=$(q "BEGIN ISOLATION LEVEL REPEATABLE READ; UPDATE orders SET created_at = created_at + interval '1 day'
             WHERE id = (SELECT id FROM orders ORDER BY id LIMIT 1); COMMIT;" 2>&1) &&
        cl_fail "prepare_rewire$1" "a REPEATABLE READ change of created_at was accepted before the swap"
    case $out in *"changes only in READ COMMITTED transactions"*) ;;
        *) cl_fail "prepare_rewire$1" "a REPEATABLE READ change of created_at failed otherwise: $out" ;; esac
    sleep 1
    step "backfill$1" "$(mig backfill up)" 2
    for k in 1 2 3 4; do step "index_$k$1" "$(mig backfill_index_$k up)"; done
    rw_check "index$1" 2
    step "swap$1" "$(mig swap up)" 2
    rw_fks "swap$1" "orders p:2:false,orders p:2:false,orders p:2:false,orders p:2:false"
    sleep 1
    rw_check "swapped$1" 2
}

rw_writer_start w1
rw_writer_start w2
rw_writer_start w3
sleep 2
rw_check start 0

forward ""
step swap.down "$(mig swap down)" 2
rw_fks swap.down "orders r:1:false,orders r:1:false,orders r:1:false,orders r:1:false"
sleep 1
for k in 4 3 2 1; do step "index_$k.down" "$(mig backfill_index_$k down)"; done
step backfill.down "$(mig backfill down)" 1
rw_fks backfill.down "$plain_valid"
[ "$(q "SELECT count(*) FROM pg_attribute WHERE attname = 'orders_created_at' AND attnotnull")" = 0 ] ||
    cl_fail backfill.down "a new column is still NOT NULL"
step prepare_rewire.down "$(mig prepare_rewire down)" 0
step prepare.down "$(mig prepare down)" 0
rw_fks prepare.down "$plain_valid"
sleep 1
forward " again"
# the cleanup takes ACCESS EXCLUSIVE on orders for an instant (the sync
# triggers): with three writers always on it, a lock timeout is retried, as
# a runner would apply it again (cl_apply retries 3 times, then 7 more here)
n=0
until PGOPTIONS="${PGOPTIONS:-} -c partc.cleanup_now=on" $PSQL -X -q -v ON_ERROR_STOP=1 -f "$(mig cleanup up)" \
        >"$CL_WORK/cleanup.out" 2>"$CL_WORK/cleanup.err"; do
    grep -q 'canceling statement due to lock timeout' "$CL_WORK/cleanup.err" && [ "$n" -lt 9 ] ||
        cl_fail cleanup "the cleanup failed: $(grep ERROR "$CL_WORK/cleanup.err" | head -n 1)" "$CL_WORK/cleanup.err"
    n=$((n + 1))
    cl_retries=$((cl_retries + 1))
    sleep 1
done
times="$times cleanup ($n lock retries),"
rw_check cleanup 2
rw_fks cleanup "orders p:2:true,orders p:2:true,orders p:2:true,orders p:2:true"
sleep 1
rw_check cleaned 2

cl_writers_stop || cl_fail writers "the writers did not finish within 60 s of being told to stop"
cl_writers_summary
for w in w1 w2 w3; do
    [ "$(grep -c '^COMMIT$' "$CL_WORK/writer_$w.out")" -gt 0 ] ||
        cl_fail writers "writer $w committed nothing" "$CL_WORK/writer_$w.err"
done
rw_check final 2
[ "$(q "SELECT count(*) FROM order_items WHERE id < 0")" = 0 ] ||
    cl_fail final "an item for a missing order was committed"
refused=$(cat "$CL_WORK"/writer_*.err | grep -c 'insert or update on table "order_items" violates foreign key constraint')
[ "$refused" -gt 0 ] || cl_fail final "no insert of an item for a missing order was refused" "$CL_WORK/writer_w1.err"
[ "$(q "SELECT string_agg(c.relname || ':' || a.attnotnull, ',' ORDER BY c.relname) FROM pg_attribute a
          JOIN pg_class c ON c.oid = a.attrelid WHERE a.attname = 'orders_created_at' AND NOT a.attisdropped
           AND c.relname IN ('order_items', 'refunds', 'tickets', 'inventory_operations')")" = \
  "inventory_operations:false,order_items:true,refunds:true,tickets:false" ] ||
    cl_fail final "the new columns are not NOT NULL exactly where order_id is"
[ "$(q "SELECT count(*) FROM pg_class WHERE relname IN ('orders_old', 'orders_rewire', 'orders_partitioned')")" = 0 ] ||
    cl_fail final "the cleanup left the old table, the shadow or the rewire state"
[ "$(q "SELECT relkind FROM pg_class WHERE oid = 'orders'::regclass")" = p ] || cl_fail final "orders is not partitioned"
moved=$(cat "$CL_WORK"/writer_*.out | grep -c '^UPDATE 1$')
n_orders=$(q "SELECT count(*) FROM orders")
n_items=$(q "SELECT count(*) FROM order_items")
echo "ok convert_rewire ($ROWS orders; $n_orders orders, $n_items items at the end; writers: $cl_committed transactions" \
     "committed, $cl_failed rolled back ($cl_errors), $refused items for missing orders refused; lock retries" \
     "$cl_retries;$times $(($(date +%s) - t0)) s)"
