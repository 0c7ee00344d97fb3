-- The tables that retention detached or archived are not dropped: their rows
-- may still be needed.  Say which ones stay.
DO ${{tag}}$
DECLARE
    v_kept text;
BEGIN
    SELECT string_agg(c.oid::regclass::text, ', ' ORDER BY c.oid::regclass::text) INTO v_kept
      FROM pg_catalog.pg_description d
      JOIN pg_catalog.pg_class c ON c.oid = d.objoid
     WHERE d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
       AND d.description = 'partc: detached from ' || {{table_lit}} || ' by retention';
    IF v_kept IS NOT NULL THEN
        RAISE NOTICE 'partc: keeping the tables that retention detached from %: % (drop them when their rows are no longer needed)',
            {{table_lit}}, v_kept;
    END IF;
END
${{tag}}$;
