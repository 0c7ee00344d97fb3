-- Every row of the live table has a partition to go to.
DO ${{tag}}$
DECLARE
    v_max  text := nullif(current_setting('partc.max_key', true), '');
    v_high timestamptz;
BEGIN
    IF v_max IS NULL OR EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
                                 WHERE i.inhparent = {{shadow_lit}}::regclass
                                   AND pg_catalog.pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT') THEN
        RETURN;
    END IF;
    SELECT max((regexp_match(pg_catalog.pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']*)''\)'))[1]::timestamptz)
      INTO v_high
      FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = {{shadow_lit}}::regclass;
    IF v_max::timestamptz >= v_high THEN
        RAISE EXCEPTION 'partc: % holds rows with % = %, beyond the last partition (up to %)',
            {{table_lit}}, {{key_lit}}, v_max, v_high
            USING HINT = 'raise partition.premake, or set partition.default_partition: true to catch such rows';
    END IF;
END
${{tag}}$;
