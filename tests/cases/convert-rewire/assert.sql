-- After the swap every foreign key into orders is (order_id, <column>) ->
-- orders(id, created_at), the columns are filled by the database, and the
-- keys act as before.
\set ON_ERROR_STOP 1
DO $$
DECLARE
    v_o uuid;
    v_t timestamptz;
BEGIN
    ASSERT (SELECT relkind FROM pg_class WHERE oid = 'public.orders'::regclass) = 'p', 'orders is partitioned';
    ASSERT (SELECT count(*) FROM pg_constraint c WHERE c.confrelid = 'public.orders'::regclass AND c.contype = 'f'
             AND c.conparentid = 0 AND array_length(c.conkey, 1) = 2 AND c.confupdtype = 'c') = 4,
        'four composite foreign keys into orders, ON UPDATE CASCADE';
    ASSERT (SELECT count(*) FROM pg_constraint c WHERE c.confrelid = 'public.orders_old'::regclass) = 0,
        'no foreign key into the old table';
    ASSERT (SELECT confdeltype FROM pg_constraint WHERE conname = 'order_items_order_id_fkey') = 'c', 'cascade';
    ASSERT (SELECT confdeltype FROM pg_constraint WHERE conname = 'tickets_order_id_fkey') = 'n', 'set null';
    ASSERT (SELECT confdeltype FROM pg_constraint WHERE conname = 'inventory_operations_order_id_fkey') = 'r', 'restrict';
    ASSERT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.order_items'::regclass
             AND attname = 'orders_created_at'), 'order_items.orders_created_at NOT NULL';
    ASSERT NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.tickets'::regclass
                 AND attname = 'order_created_at'), 'tickets.order_created_at nullable';
    ASSERT (SELECT count(*) FROM public.order_items i JOIN public.orders o ON o.id = i.order_id
             WHERE o.created_at = i.orders_created_at) = 5000, 'every item has its order''s created_at';
    ASSERT (SELECT count(*) FROM public.tickets WHERE (order_id IS NULL) <> (order_created_at IS NULL)) = 0,
        'tickets: the column is NULL exactly where order_id is';
    ASSERT (SELECT count(*) FROM pg_index WHERE indexrelid = 'public.order_items_order_id_orders_created_at_idx'::regclass
             AND indisvalid) = 1, 'the index on the new key';
    -- an item for an order that does not exist fails as before
    BEGIN
        INSERT INTO public.order_items (id, order_id) VALUES (90001, gen_random_uuid());
        RAISE EXCEPTION 'an item for a missing order was accepted';
    EXCEPTION WHEN foreign_key_violation THEN NULL;
    END;
    -- a new item gets its order's created_at from the database
    SELECT id, created_at INTO v_o, v_t FROM public.orders ORDER BY created_at LIMIT 1;
    INSERT INTO public.order_items (id, order_id) VALUES (90002, v_o);
    ASSERT (SELECT orders_created_at FROM public.order_items WHERE id = 90002) = v_t, 'filled on insert';
    -- an order that moves to another month takes its items, refunds and tickets along
    -- (on 14, which would run the ON DELETE actions, it may change its key within its month only)
    IF current_setting('server_version_num')::integer < 150000 THEN
        BEGIN
            UPDATE public.orders SET created_at = created_at + interval '3 months' WHERE id = v_o;
            RAISE EXCEPTION 'a referenced order moved to another partition on 14';
        EXCEPTION WHEN feature_not_supported THEN NULL;
        END;
        UPDATE public.orders SET created_at = created_at + interval '3 hours' WHERE id = v_o;
        v_t := v_t - interval '3 months' + interval '3 hours';
    ELSE
        UPDATE public.orders SET created_at = created_at + interval '3 months' WHERE id = v_o;
    END IF;
    ASSERT (SELECT count(*) FROM public.order_items WHERE order_id = v_o AND orders_created_at = v_t + interval '3 months')
           = (SELECT count(*) FROM public.order_items WHERE order_id = v_o), 'the key follows';
    ASSERT (SELECT count(*) FROM public.order_items WHERE order_id = v_o) > 0, 'items of the moved order';
    -- a delete cascades to the items, sets the tickets' reference NULL, and is refused by inventory
    DELETE FROM public.refunds WHERE order_id = v_o;
    DELETE FROM public.inventory_operations WHERE order_id = v_o;
    DELETE FROM public.orders WHERE id = v_o;
    ASSERT (SELECT count(*) FROM public.order_items WHERE order_id = v_o) = 0, 'cascade';
    ASSERT (SELECT count(*) FROM public.tickets WHERE order_id = v_o) = 0, 'set null';
    BEGIN
        DELETE FROM public.orders WHERE id = (SELECT order_id FROM public.inventory_operations WHERE order_id IS NOT NULL LIMIT 1);
        RAISE EXCEPTION 'a referenced order was deleted past ON DELETE RESTRICT';
    -- (PostgreSQL 18 says restrict_violation, before 18 foreign_key_violation)
    EXCEPTION WHEN foreign_key_violation OR restrict_violation THEN NULL;
    END;
END $$;
