--! placeholders: tag, schema, schema_lit
DO ${{tag}}$
BEGIN
    DROP SCHEMA IF EXISTS {{schema}};
EXCEPTION WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'schema % still holds objects and is kept', {{schema_lit}};
END
${{tag}}$;
