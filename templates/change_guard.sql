--! A change of a converted table waits for the end of its conversion: the
--! sync triggers of the phases before the cleanup copy the columns they knew.
DO ${{tag}}$
BEGIN
    IF EXISTS (SELECT 1 FROM {{rt}}.tables
                WHERE schema_name = {{schema_lit}} AND table_name = {{table_name_lit}}
                  AND (phase <> 'live'
                       OR (to_regclass(format('%I.%I', schema_name, old_name)) IS NOT NULL
                           -- (a conversion by attach leaves it as a partition)
                           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i
                                            WHERE i.inhrelid = to_regclass(format('%I.%I', schema_name, old_name)))))) THEN
        RAISE EXCEPTION 'the conversion of % is not cleaned up yet', {{table_lit}}
            USING HINT = 'apply its cleanup migration first (after migrate.keep_old), then this change';
    END IF;
END
${{tag}}$;
