--! The rollback of the runtime's first migration: refused while a table is registered.
DO ${{tag}}$
BEGIN
    IF EXISTS (SELECT 1 FROM {{rt}}.tables) THEN
        RAISE EXCEPTION 'partc: the runtime in schema % still maintains %', {{rt_lit}},
            (SELECT string_agg(format('%I.%I', t.schema_name, t.table_name), ', ' ORDER BY 1) FROM {{rt}}.tables t)
            USING HINT = 'roll back the migrations of those tables first';
    END IF;
    IF (SELECT r.version FROM {{rt}}.runtime r) <> 1 THEN
        RAISE EXCEPTION 'partc: the runtime in schema % is at version %', {{rt_lit}}, (SELECT r.version FROM {{rt}}.runtime r)
            USING HINT = 'roll back its later runtime migrations first';
    END IF;
END
${{tag}}$;
{{drop_code}}-- the runtime's own tables, empty of tables to maintain (checked above)
-- squawk-ignore ban-drop-table
DROP TABLE {{rt}}.tables, {{rt}}.runtime_history, {{rt}}.runtime;
DROP SCHEMA {{rt}};
