-- The index definitions as PostgreSQL prints them, on the parent and on a partition.
\set ON_ERROR_STOP 1
DO $$
DECLARE
    want text[] := ARRAY[
        'docs_recent#USING btree (id DESC, created_at DESC NULLS LAST)',
        'docs_payload#USING gin (payload jsonb_path_ops)',
        'docs_name_c#USING btree (name COLLATE "C")',
        'docs_name_pattern#USING btree (name COLLATE "POSIX" text_pattern_ops NULLS FIRST)',
        'docs_lower_name#USING btree (lower(name) DESC, lower((name || ''x''::text)))',
        -- PostgreSQL 13 prints AT TIME ZONE as the function timezone()
        CASE WHEN current_setting('server_version_num')::int < 140000
             THEN 'docs_expr_idx#USING btree (date_trunc(''day''::text, timezone(''UTC''::text, created_at)) DESC)'
             ELSE 'docs_expr_idx#USING btree (date_trunc(''day''::text, (created_at AT TIME ZONE ''UTC''::text)) DESC)' END];
    got text[];
    part text[];
BEGIN
    SELECT array_agg(c.relname || '#' || substr(pg_get_indexdef(c.oid), position(' USING ' IN pg_get_indexdef(c.oid)) + 1)
                     ORDER BY array_position(ARRAY['docs_recent', 'docs_payload', 'docs_name_c', 'docs_name_pattern',
                                                   'docs_lower_name', 'docs_expr_idx'], c.relname::text))
      INTO got
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'public.docs'::regclass AND NOT i.indisprimary;
    ASSERT got = want, 'index definitions: ' || array_to_string(got, E'\n');
    -- every partition has the same definitions
    SELECT array_agg(substr(pg_get_indexdef(c.oid), position(' USING ' IN pg_get_indexdef(c.oid)) + 1)
                     ORDER BY substr(pg_get_indexdef(c.oid), position(' USING ' IN pg_get_indexdef(c.oid)) + 1))
      INTO part
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'public.docs_2026_12'::regclass AND NOT i.indisprimary;
    ASSERT part = (SELECT array_agg(substr(w, position('#' IN w) + 1) ORDER BY substr(w, position('#' IN w) + 1)) FROM unnest(want) w),
        'partition index definitions: ' || array_to_string(part, E'\n');
END $$;
