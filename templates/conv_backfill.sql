-- Drops (false) or builds (true) the shadow's keys and indexes.  The copy
-- runs without them and builds each once at the end, which is faster than
-- keeping them up to date row by row.
CREATE FUNCTION {{fn_indexes}}(p_build boolean)
RETURNS void
LANGUAGE plpgsql
SET search_path = {{search_path}}
AS ${{tag}}$
BEGIN
    IF p_build THEN
{{build_keys}}    ELSE
{{drop_keys}}    END IF;
END
${{tag}}$;
