--! placeholders: tag, archive_schema, archive_schema_lit
DO ${{tag}}$
BEGIN
    DROP SCHEMA IF EXISTS {{archive_schema}};
EXCEPTION WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'schema % still holds objects and is kept', {{archive_schema_lit}};
END
${{tag}}$;
