-- Checks specific to the examples of specs/, after their up migrations ran
-- (every conversion prepared, backfilled and swapped; cleanups not yet).
\set ON_ERROR_STOP 1

-- every converted table is partitioned now, the old one holds the same rows
DO $$
DECLARE
    r record;
    n_new bigint;
    n_old bigint;
    diff bigint;
    swapped boolean;
BEGIN
    FOR r IN SELECT n.nspname AS schema, left(c.relname, -length('_backfill_state')) AS name
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relname LIKE '%\_backfill\_state' ORDER BY 1, 2 LOOP
        ASSERT (SELECT relkind FROM pg_class WHERE oid = format('%I.%I', r.schema, r.name)::regclass) = 'p',
            r.name || ' is not partitioned';
        EXECUTE format('SELECT phase = %L FROM %I.%I', 'swapped', r.schema, r.name || '_backfill_state') INTO STRICT swapped;
        ASSERT swapped, r.name || ' is not swapped';
        EXECUTE format('SELECT count(*) FROM %I.%I', r.schema, r.name) INTO n_new;
        EXECUTE format('SELECT count(*) FROM %I.%I', r.schema, r.name || '_old') INTO n_old;
        ASSERT n_new = n_old AND n_new > 0, format('%s: %s rows, %s in the old table', r.name, n_new, n_old);
        EXECUTE format('SELECT count(*) FROM ((TABLE %1$I.%2$I EXCEPT ALL TABLE %1$I.%3$I) UNION ALL
                                             (TABLE %1$I.%3$I EXCEPT ALL TABLE %1$I.%2$I)) d',
                       r.schema, r.name, r.name || '_old') INTO diff;
        ASSERT diff = 0, format('%s differs from its old table in %s rows', r.name, diff);
    END LOOP;
END $$;

-- the names the spec gives are the new table's; the old table's have _old
DO $$ BEGIN
    ASSERT (SELECT indrelid FROM pg_index WHERE indexrelid = 'public.idx_jobs_org_status'::regclass) = 'public.jobs'::regclass,
        'idx_jobs_org_status belongs to jobs';
    ASSERT (SELECT indrelid FROM pg_index WHERE indexrelid = 'public.idx_jobs_org_status_old'::regclass) = 'public.jobs_old'::regclass,
        'idx_jobs_org_status_old belongs to jobs_old';
    ASSERT (SELECT conrelid FROM pg_constraint WHERE conname = 'jobs_pkey') = 'public.jobs'::regclass, 'jobs_pkey';
    ASSERT pg_get_serial_sequence('public.jobs', 'id') = 'public.jobs_id_seq', 'the identity sequence keeps its name';
    ASSERT pg_get_serial_sequence('public.jobs_old', 'id') = 'public.jobs_id_seq_old', 'the old one is renamed';
    ASSERT (SELECT array_agg(a.attname::text ORDER BY k.n) FROM pg_constraint c,
                   unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = 'public.jobs'::regclass AND a.attnum = k.attnum
             WHERE c.conname = 'jobs_pkey') = ARRAY['id', 'created_at'], 'jobs_pkey is (id, created_at)';
    ASSERT (SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.idx_jobs_org_status'::regclass) =
           (SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.jobs'::regclass), 'index on every partition';
END $$;

-- writes after the swap: ids continue, and each write reaches the old table too
INSERT INTO public.jobs (organization_id, created_at)
SELECT id, '2026-11-20' FROM public.organizations ORDER BY id LIMIT 1;
DO $$
DECLARE v_id bigint := (SELECT max(id) FROM public.jobs);
BEGIN
    ASSERT v_id > (SELECT max(id) FROM public.jobs_old WHERE created_at < '2026-11-20'), 'identity continues above every id';
    ASSERT EXISTS (SELECT 1 FROM public.jobs_old WHERE id = v_id), 'insert mirrored to jobs_old';
    UPDATE public.jobs SET created_at = '2026-10-03', status = 'moved' WHERE id = v_id;
    ASSERT (SELECT tableoid::regclass::text FROM public.jobs WHERE id = v_id) = 'jobs_y2026m10', 'row moved partition';
    ASSERT (SELECT status FROM public.jobs_old WHERE id = v_id) = 'moved', 'update mirrored to jobs_old';
    DELETE FROM public.jobs WHERE id = v_id;
    ASSERT NOT EXISTS (SELECT 1 FROM public.jobs_old WHERE id = v_id), 'delete mirrored to jobs_old';
    -- a write to a partition by its name is mirrored too
    -- (explicit ids: PostgreSQL 17 and later give a partition the parent's identity)
    INSERT INTO public.jobs_y2026m11 (id, organization_id, created_at) OVERRIDING SYSTEM VALUE
    SELECT (SELECT max(id) + 1000 FROM public.jobs), organization_id, '2026-11-21' FROM public.jobs LIMIT 1
    RETURNING id INTO v_id;
    ASSERT EXISTS (SELECT 1 FROM public.jobs_old WHERE id = v_id), 'partition insert mirrored to jobs_old';
    DELETE FROM public.jobs_y2026m11 WHERE id = v_id;
    ASSERT NOT EXISTS (SELECT 1 FROM public.jobs_old WHERE id = v_id), 'partition delete mirrored to jobs_old';
END $$;

-- a truncate during the conversion is refused
DO $$ BEGIN
    BEGIN
        TRUNCATE public.audit_logs;
        RAISE EXCEPTION 'truncate went through';
    EXCEPTION WHEN raise_exception THEN
        ASSERT SQLERRM LIKE 'partc: TRUNCATE%', 'truncate refused: ' || SQLERRM;
    END;
END $$;

-- health, and maintenance now works on the new table
DO $$
DECLARE h record;
BEGIN
    -- the partitions since --as-of, as the migration made them (see "pin" in check_migrations.sh)
    PERFORM partc.create_partitions('public', 'jobs');
    PERFORM partc.create_partitions('public', 'wa_messages');
    FOR h IN SELECT * FROM partc.partition_health WHERE table_name IN ('public.jobs', 'public.wa_messages') LOOP
        ASSERT h.status = 'OK', h.table_name || ' health ' || h.status;
        ASSERT h.table_name NOT LIKE '%partitioned%', 'health names the new table: ' || h.table_name;
    END LOOP;
    ASSERT partc.create_partitions('public', 'jobs') = 0, 'nothing missing';
    ASSERT partc.create_partitions('public', 'jobs', now() + interval '1 month') = 1, 'one more month';
END $$;

-- the TTL table of seed 002 (mode create): grants as the spec says
DO $$ BEGIN
    ASSERT has_table_privilege('jive_api_user', 'public.idempotency_records', 'DELETE'), 'idempotency_records grant';
    ASSERT NOT has_table_privilege('jive_api_user', 'public.idempotency_records', 'UPDATE'), 'no UPDATE on idempotency_records';
END $$;

-- seed 003's orders: every foreign key into it moved to (order_id,
-- orders_created_at) -> orders(id, created_at), NOT VALID until the cleanup,
-- each column filled with its order's created_at, and the keys act as before
DO $$
DECLARE
    v_o uuid;
    v_t timestamptz;
BEGIN
    ASSERT (SELECT count(*) FROM pg_constraint c WHERE c.confrelid = 'public.orders'::regclass AND c.contype = 'f'
             AND c.conparentid = 0 AND array_length(c.conkey, 1) = 2) = 4, 'four composite keys into orders';
    ASSERT NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.confrelid = 'public.orders_old'::regclass), 'none into orders_old';
    ASSERT (SELECT count(*) FROM public.order_items i JOIN public.orders o ON o.id = i.order_id
             AND o.created_at = i.orders_created_at) = (SELECT count(*) FROM public.order_items), 'items filled';
    ASSERT (SELECT count(*) FROM public.inventory_operations WHERE (order_id IS NULL) <> (orders_created_at IS NULL)) = 0,
        'inventory: NULL exactly without an order';
    ASSERT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.tickets'::regclass AND attname = 'orders_created_at'),
        'tickets.orders_created_at NOT NULL';
    SELECT id, created_at INTO v_o, v_t FROM public.orders WHERE status = 'paid' ORDER BY id LIMIT 1;
    INSERT INTO public.order_items (id, order_id) VALUES (gen_random_uuid(), v_o);
    ASSERT (SELECT count(*) FROM public.order_items WHERE order_id = v_o AND orders_created_at = v_t) = 3, 'new item filled';
    BEGIN
        INSERT INTO public.tickets (id, order_id) VALUES (gen_random_uuid(), gen_random_uuid());
        RAISE EXCEPTION 'a ticket for a missing order was accepted';
    EXCEPTION WHEN foreign_key_violation THEN NULL;
    END;
    DELETE FROM public.refunds WHERE order_id = v_o;
    DELETE FROM public.orders WHERE id = v_o;
    ASSERT NOT EXISTS (SELECT 1 FROM public.order_items WHERE order_id = v_o), 'items cascade';
    ASSERT NOT EXISTS (SELECT 1 FROM public.tickets WHERE order_id = v_o), 'tickets cascade';
    ASSERT NOT EXISTS (SELECT 1 FROM public.orders_old WHERE id = v_o), 'delete mirrored to orders_old';
END $$;
