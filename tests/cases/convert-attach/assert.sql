-- After the swap each table is the partition of every row before its cutover:
-- no row was copied, the keys and indexes were adopted, ids go on.
\set ON_ERROR_STOP 1
DO $$
DECLARE
    v_id bigint;
BEGIN
    ASSERT (SELECT count(*) FROM public.events) = 3000, 'events rows';
    ASSERT (SELECT count(*) FROM ONLY public.events_old) = 3000, 'the rows stay in the old table';
    ASSERT (SELECT i.inhparent FROM pg_inherits i WHERE i.inhrelid = 'public.events_old'::regclass) = 'public.events'::regclass,
        'events_old is a partition of events';
    ASSERT (SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c WHERE c.oid = 'public.events_old'::regclass)
        = 'FOR VALUES FROM (''2026-01-01 00:00:00+00'') TO (''2099-01-01 00:00:00+00'')', 'events_old bounds';
    -- every index of the partitioned table has its part on the old table
    ASSERT (SELECT count(*) FROM pg_index i JOIN pg_inherits x ON x.inhrelid = i.indexrelid
             WHERE i.indrelid = 'public.events_old'::regclass) = 4, 'adopted indexes';
    ASSERT (SELECT count(*) FROM pg_constraint c WHERE c.conrelid = 'public.events_old'::regclass
             AND c.contype = 'f' AND c.conparentid <> 0) = 1, 'adopted foreign key';
    ASSERT (SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = 'public.events_old'::regclass), 'rls';
    -- a new row gets an id above every old one and lands in the old partition
    INSERT INTO public.events (account_id, kind) VALUES (1, 'new') RETURNING id INTO v_id;
    ASSERT v_id > 3000, 'ids go on: ' || v_id;
    ASSERT (SELECT count(*) FROM ONLY public.events_old WHERE kind = 'new') = 1, 'new row in the old partition';
    DELETE FROM public.events WHERE kind = 'new';
    ASSERT (SELECT count(*) FROM public.visits) = 2000, 'visits rows';
    ASSERT (SELECT count(*) FROM ONLY public.visits_old) = 2000, 'visits rows stay';
END $$;
