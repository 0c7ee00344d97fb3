--! Drops the schema only when a partc migration created it and it is empty.
DO ${{tag}}$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_namespace
                WHERE nspname = {{target_schema_lit}}
                  AND pg_catalog.obj_description(oid, 'pg_namespace') = 'created by partc') THEN
        DROP SCHEMA {{target_schema}};
    END IF;
EXCEPTION WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'schema % still holds objects and is kept', {{target_schema_lit}};
END
${{tag}}$;
