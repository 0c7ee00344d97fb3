-- Names that need quoting: schema "Billing", table "Invoice Lines", columns
-- "order" and "user" (keywords), check "Positive Order", policy "Own Lines".
\set ON_ERROR_STOP 1

DO $$
DECLARE rel oid;
BEGIN
    ASSERT (SELECT count(*) FROM pg_namespace WHERE nspname = 'Billing') = 1, 'schema Billing exists';
    ASSERT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'billing'), 'no folded schema billing';
    SELECT c.oid INTO rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'Billing' AND c.relname = 'Invoice Lines' AND c.relkind = 'p';
    ASSERT rel IS NOT NULL, 'partitioned table Billing."Invoice Lines" exists';
    ASSERT NOT EXISTS (SELECT 1 FROM pg_class WHERE relname IN ('invoice lines', 'invoice_lines', 'Invoice', 'invoice')), 'no folded or split table name';
    ASSERT (SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = rel AND attnum > 0 AND NOT attisdropped)
        = 'id,order,user,created_at', 'columns named order and user';
    ASSERT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'Billing' AND c.relname IN ('Invoice Lines_2026_11', 'Invoice Lines_2026_12', 'Invoice Lines_2027_01') AND c.relispartition) = 3,
        'partitions named "Invoice Lines_YYYY_MM" in Billing';
    ASSERT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = rel AND conname = 'Positive Order' AND contype = 'c'), 'check "Positive Order"';
    ASSERT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = rel AND conname = 'Invoice Lines_order_user_created_at_key' AND contype = 'u'), 'unique key';
    ASSERT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'Invoice Lines_user_order_idx' AND relkind = 'I'), 'index "Invoice Lines_user_order_idx"';
    ASSERT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = rel AND polname = 'Own Lines'), 'policy "Own Lines"';
    ASSERT EXISTS (SELECT 1 FROM partc.tables WHERE schema_name = 'Billing' AND table_name = 'Invoice Lines'
                                                  AND live_name = 'Invoice Lines'), 'registered as "Billing"."Invoice Lines"';
END $$;

INSERT INTO "Billing"."Invoice Lines" ("order", "user", created_at) VALUES (7, 'alice', '2026-12-03+00');
DO $$
BEGIN
    ASSERT (SELECT "order" FROM ONLY "Billing"."Invoice Lines_2026_12" WHERE "user" = 'alice') = 7, 'row in "Invoice Lines_2026_12"';
    BEGIN
        INSERT INTO "Billing"."Invoice Lines" ("order", "user", created_at) VALUES (0, 'bob', '2026-12-03+00');
        RAISE EXCEPTION 'check "Positive Order" not enforced';
    EXCEPTION WHEN check_violation THEN NULL;
    END;
END $$;
DELETE FROM "Billing"."Invoice Lines";

-- the runtime on quoted names: maintenance and retention
DO $$
DECLARE n integer; before integer;
BEGIN
    SELECT count(*) INTO before FROM pg_inherits WHERE inhparent = '"Billing"."Invoice Lines"'::regclass;
    n := partc.create_partitions('Billing', 'Invoice Lines', '2027-04-15');
    ASSERT (SELECT count(*) FROM pg_inherits WHERE inhparent = '"Billing"."Invoice Lines"'::regclass) = 8, '2026-11 .. 2027-06';
    ASSERT n = 8 - before, 'created ' || n || ', missing were ' || (8 - before);
    ASSERT to_regclass('"Billing"."Invoice Lines_2027_06"') IS NOT NULL, 'partition made by the function';
    ASSERT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = '"Billing"."Invoice Lines_2027_06"'::regclass AND polname = 'Own Lines'), 'policy on the new partition';
    ASSERT (SELECT h.status FROM partc.partition_health('2027-04-15') h
             WHERE h.table_name = '"Billing"."Invoice Lines"') = 'OK', 'health';
    -- 2027-04-15: cutoff 2027-01-15; 2026-11 and 2026-12 ended before it
    n := partc.apply_retention('Billing', 'Invoice Lines', '2027-04-15');
    ASSERT n = 2, 'partitions dropped: ' || n;
    ASSERT to_regclass('"Billing"."Invoice Lines_2026_12"') IS NULL AND to_regclass('"Billing"."Invoice Lines_2027_01"') IS NOT NULL, 'retention by quoted name';
END $$;
