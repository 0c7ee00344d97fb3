--! The rollback of an upgrade of the runtime: the functions and views of version {{from}}, as the
--! upgrade kept them, come back.
DO ${{tag}}$
BEGIN
    IF (SELECT r.version FROM {{rt}}.runtime r) IS DISTINCT FROM {{version}} THEN
        RAISE EXCEPTION 'partc: the runtime in schema % is at version %, this rollback expects version %',
            {{rt_lit}}, (SELECT r.version FROM {{rt}}.runtime r), {{version}}
            USING HINT = 'roll back the later runtime migrations first';
    END IF;
END
${{tag}}$;
{{drop_code}}DO ${{tag}}$
DECLARE
    s text;
BEGIN
    -- a function may call one restored after it
    PERFORM pg_catalog.set_config('check_function_bodies', 'off', true);
    FOREACH s IN ARRAY (SELECT h.statements FROM {{rt}}.runtime_history h WHERE h.version = {{from}}) LOOP
        EXECUTE s;
    END LOOP;
    DELETE FROM {{rt}}.runtime_history WHERE version = {{from}};
    UPDATE {{rt}}.runtime SET version = {{from}};
END
${{tag}}$;
