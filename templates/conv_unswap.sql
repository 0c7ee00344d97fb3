-- The swap back: writes made since the swap are in the old table already.
DO ${{tag}}$
DECLARE
    r      record;
    v_max  bigint;
    v_last bigint;
    v_name text;
BEGIN
    IF (SELECT s.phase FROM {{state}} s) IS DISTINCT FROM 'swapped' THEN
        RAISE EXCEPTION 'partc: % is not swapped (phase %)', {{table_lit}}, (SELECT s.phase FROM {{state}} s);
    END IF;
    LOCK TABLE {{table}} IN ACCESS EXCLUSIVE MODE;
    LOCK TABLE {{old}} IN ACCESS EXCLUSIVE MODE;
{{columns_check}}    PERFORM {{rt}}.sync_mode({{schema_lit}}, {{table_name_lit}}, 'off');
    ALTER TABLE {{table}} RENAME TO {{shadow_name}};
    ALTER TABLE {{old}} RENAME TO {{name}};
{{renames}}    FOR r IN SELECT a.attname,
                    pg_catalog.pg_get_serial_sequence({{table_lit}}, a.attname) AS old_seq,
                    pg_catalog.pg_get_serial_sequence({{shadow_lit}}, a.attname) AS new_seq,
                    (SELECT b.attidentity FROM pg_catalog.pg_attribute b
                      WHERE b.attrelid = {{shadow_lit}}::regclass AND b.attname = a.attname) AS new_identity
               FROM pg_catalog.pg_attribute a
              WHERE a.attrelid = {{table_lit}}::regclass AND a.attnum > 0 AND NOT a.attisdropped LOOP
        IF r.old_seq IS NULL AND r.new_seq IS NOT NULL AND r.new_identity = '' THEN
            EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', r.new_seq, {{table_lit}}::regclass, r.attname);
        ELSIF r.old_seq IS NOT NULL THEN
            EXECUTE format('SELECT greatest((SELECT max(%1$I) FROM %2$s), (SELECT max(%1$I) FROM %3$s))::bigint',
                           r.attname, {{table_lit}}::regclass, {{shadow_lit}}::regclass) INTO v_max;
            IF r.new_seq IS NOT NULL THEN
                EXECUTE format('SELECT CASE WHEN is_called THEN last_value END FROM %s', r.new_seq) INTO v_last;
                v_max := greatest(v_max, v_last);
            END IF;
            IF v_max IS NOT NULL THEN
                PERFORM pg_catalog.setval(r.old_seq, v_max, true);
            END IF;
            -- the names go back: the old table's sequence loses its suffix
            v_name := (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = r.old_seq::regclass);
            IF r.new_seq IS NOT NULL AND right(v_name, octet_length({{old_suffix_lit}})) = {{old_suffix_lit}}
               AND octet_length((SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = r.new_seq::regclass)
                                || {{shadow_suffix_lit}}) <= 63 THEN
                EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', r.new_seq,
                               (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = r.new_seq::regclass) || {{shadow_suffix_lit}});
                EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', r.old_seq,
                               left(v_name, octet_length(v_name) - octet_length({{old_suffix_lit}})));
            END IF;
        END IF;
    END LOOP;
    PERFORM {{rt}}.sync_mode({{schema_lit}}, {{table_name_lit}}, 'forward');
    UPDATE {{state}} SET phase = 'done', swapped_at = NULL;
END
${{tag}}$;
