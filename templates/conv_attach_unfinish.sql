--! The cleanup's rollback (method attach): the conversion is swapped again, if its partition is still there.
-- method attach: the cleanup can be rolled back while the partition is there.
DO ${{tag}}$
BEGIN
    IF pg_catalog.to_regclass({{old_lit}}) IS NULL
       OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i
                       WHERE i.inhrelid = pg_catalog.to_regclass({{old_lit}}) AND i.inhparent = {{table_lit}}::regclass) THEN
        RAISE EXCEPTION 'partc: % is no longer a partition of %: the conversion cannot be rolled back', {{old_lit}}, {{table_lit}}
            USING HINT = 'retention or a person detached or dropped it';
    END IF;
END
${{tag}}$;
{{state_table}}
