--! A schema made here is marked with a comment so that the rollback drops only what it made.
DO ${{tag}}$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = {{target_schema_lit}}) THEN
        CREATE SCHEMA {{target_schema}};
        COMMENT ON SCHEMA {{target_schema}} IS 'created by partc';
    END IF;
END
${{tag}}$;
