-- The swap: under ACCESS EXCLUSIVE on both tables, for catalog changes only.
DO ${{tag}}$
DECLARE
    r      record;
    v_max  bigint;
    v_last bigint;
    v_name text;
BEGIN
    IF (SELECT s.phase FROM {{state}} s) IS DISTINCT FROM 'done' THEN
        RAISE EXCEPTION 'partc: the backfill of % is not complete (phase %)', {{table_lit}}, (SELECT s.phase FROM {{state}} s)
            USING HINT = 'apply the backfill migration first';
    END IF;
    LOCK TABLE {{table}} IN ACCESS EXCLUSIVE MODE;
    LOCK TABLE {{shadow}} IN ACCESS EXCLUSIVE MODE;
    -- the sync copies whole rows: both tables must have the same columns
{{columns_check}}    PERFORM {{rt}}.sync_mode({{schema_lit}}, {{table_name_lit}}, 'off');
    ALTER TABLE {{table}} RENAME TO {{old_name}};
    ALTER TABLE {{shadow}} RENAME TO {{name}};
{{renames}}    -- identity and serial columns: the next value is above every id in
    -- either table; a serial sequence now belongs to the new table
    FOR r IN SELECT a.attname,
                    pg_catalog.pg_get_serial_sequence({{old_lit}}, a.attname) AS old_seq,
                    pg_catalog.pg_get_serial_sequence({{table_lit}}, a.attname) AS new_seq
               FROM pg_catalog.pg_attribute a
              WHERE a.attrelid = {{old_lit}}::regclass AND a.attnum > 0 AND NOT a.attisdropped LOOP
        IF r.new_seq IS NULL AND r.old_seq IS NOT NULL THEN
            EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', r.old_seq, {{table_lit}}::regclass, r.attname);
        ELSIF r.new_seq IS NOT NULL THEN
            EXECUTE format('SELECT greatest((SELECT max(%1$I) FROM %2$s), (SELECT max(%1$I) FROM %3$s))::bigint',
                           r.attname, {{table_lit}}::regclass, {{old_lit}}::regclass) INTO v_max;
            IF r.old_seq IS NOT NULL THEN
                EXECUTE format('SELECT CASE WHEN is_called THEN last_value END FROM %s', r.old_seq) INTO v_last;
                v_max := greatest(v_max, v_last);
            END IF;
            IF v_max IS NOT NULL THEN
                PERFORM pg_catalog.setval(r.new_seq, v_max, true);
            END IF;
            -- the new table's sequence takes the old one's name
            v_name := (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = r.old_seq::regclass);
            IF r.old_seq IS NOT NULL AND octet_length(v_name || {{old_suffix_lit}}) <= 63 THEN
                EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', r.old_seq, v_name || {{old_suffix_lit}});
                EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', r.new_seq, v_name);
            END IF;
        END IF;
    END LOOP;
    PERFORM {{rt}}.sync_mode({{schema_lit}}, {{table_name_lit}}, 'reverse');
    UPDATE {{state}} SET phase = 'swapped', swapped_at = now();
END
${{tag}}$;
