-- After the swap the partitioned table's indexes are defined as the old table's were.
\set ON_ERROR_STOP 1
DO $$
DECLARE
    d_new text;
    d_old text;
    n integer := 0;
    r record;
BEGIN
    FOR r IN SELECT unnest(ARRAY['docs_recent', 'docs_payload', 'docs_name_pattern', 'docs_lower_name']) AS name LOOP
        SELECT substr(pg_get_indexdef(c.oid), position(' USING ' IN pg_get_indexdef(c.oid)) + 1) INTO d_new
          FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid
         WHERE c.relname = r.name AND i.indrelid = 'public.docs'::regclass;
        SELECT substr(pg_get_indexdef(c.oid), position(' USING ' IN pg_get_indexdef(c.oid)) + 1) INTO d_old
          FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid
         WHERE c.relname = r.name || '_old' AND i.indrelid = 'public.docs_old'::regclass;
        ASSERT d_new IS NOT NULL AND d_new = d_old, r.name || ': ' || coalesce(d_new, '-') || ' vs ' || coalesce(d_old, '-');
        n := n + 1;
    END LOOP;
    ASSERT n = 4;
    ASSERT (SELECT count(*) FROM public.docs) = 1000, 'rows';
END $$;
