--! placeholders: tag, table, table_lit, shadow, shadow_lit, old, old_lit, log, log_lit, state, log_cols,
--! ident_cols, match_x_o, match_x_l, ident_x_old, ident_o_u, fn_capture, fn_forward, fn_reverse, fn_guard,
--! fn_mode, fn_replay, search_path, fn_capture_lit, fn_forward_lit, fn_reverse_lit, fn_guard_lit
-- The sync log: the keys of rows written while the backfill copies.
CREATE TABLE {{log}} AS SELECT {{log_cols}} FROM {{table}} WITH NO DATA;
ALTER TABLE {{log}} ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
CREATE INDEX ON {{log}} ({{ident_cols}});

-- Where the backfill stands; one row.
CREATE TABLE {{state}} (
    id            integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    phase         text NOT NULL DEFAULT 'new'
                  CHECK (phase IN ('new', 'copy', 'index', 'replay', 'switch', 'verify', 'done', 'swapped')),
    next_page     bigint NOT NULL DEFAULT 0,
    batch_pages   bigint NOT NULL DEFAULT 1,
    rows_copied   bigint NOT NULL DEFAULT 0,
    filenode      oid,
    started_at    timestamptz,
    finished_at   timestamptz,
    swapped_at    timestamptz
);
INSERT INTO {{state}} DEFAULT VALUES;

-- While the backfill copies: record the key of every row written.
CREATE FUNCTION {{fn_capture}}()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = {{search_path}}
AS ${{tag}}$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {{log}} ({{log_cols}}) SELECT {{log_cols}} FROM n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO {{log}} ({{log_cols}}) SELECT {{log_cols}} FROM o UNION ALL SELECT {{log_cols}} FROM n;
    ELSE
        INSERT INTO {{log}} ({{log_cols}}) SELECT {{log_cols}} FROM o;
    END IF;
    RETURN NULL;
END
${{tag}}$;

-- After the backfill, until the swap: mirror every write into the shadow.
CREATE FUNCTION {{fn_forward}}()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = {{search_path}}
AS ${{tag}}$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM {{shadow}} x USING o WHERE {{match_x_o}};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO {{shadow}} OVERRIDING SYSTEM VALUE SELECT * FROM n;
    END IF;
    RETURN NULL;
END
${{tag}}$;

-- After the swap, until cleanup: mirror every write back into the old table,
-- so that rolling the swap back loses nothing.  A row trigger, so that it is
-- on every partition and also sees writes made to a partition by its name.
CREATE FUNCTION {{fn_reverse}}()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = {{search_path}}
AS ${{tag}}$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM {{old}} x WHERE {{ident_x_old}};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO {{old}} OVERRIDING SYSTEM VALUE SELECT (NEW).*;
    END IF;
    RETURN NULL;
END
${{tag}}$;

CREATE FUNCTION {{fn_guard}}()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = {{search_path}}
AS ${{tag}}$
BEGIN
    RAISE EXCEPTION 'partc: TRUNCATE of % is refused while it is being converted', TG_TABLE_NAME
        USING HINT = 'roll the conversion back first, or DELETE the rows so that the copy follows';
END
${{tag}}$;

-- Installs the sync triggers of one mode: capture | forward | reverse | off.
CREATE FUNCTION {{fn_mode}}(p_mode text)
RETURNS void
LANGUAGE plpgsql
SET search_path = {{search_path}}
AS ${{tag}}$
DECLARE
    v_rel regclass;
    v_on  regclass := pg_catalog.to_regclass({{table_lit}});
    v_fn  text;
    v_tg  name;
BEGIN
    FOREACH v_rel IN ARRAY ARRAY[v_on, pg_catalog.to_regclass({{shadow_lit}}), pg_catalog.to_regclass({{old_lit}})] LOOP
        CONTINUE WHEN v_rel IS NULL;
        FOR v_tg IN SELECT t.tgname FROM pg_catalog.pg_trigger t
                     WHERE t.tgrelid = v_rel AND NOT t.tgisinternal
                       AND t.tgname IN ('partc_sync_insert', 'partc_sync_update', 'partc_sync_delete', 'partc_sync_truncate')
                     ORDER BY t.tgname LOOP
            EXECUTE format('DROP TRIGGER %I ON %s', v_tg, v_rel);
        END LOOP;
    END LOOP;
    IF p_mode NOT IN ('capture', 'forward', 'reverse', 'off') THEN
        RAISE EXCEPTION 'partc: unknown sync mode %', p_mode;
    END IF;
    v_fn := CASE p_mode WHEN 'capture' THEN {{fn_capture_lit}} WHEN 'forward' THEN {{fn_forward_lit}}
                        WHEN 'reverse' THEN {{fn_reverse_lit}} END;
    IF v_fn IS NULL THEN
        RETURN;
    END IF;
    IF p_mode = 'reverse' THEN
        EXECUTE format('CREATE TRIGGER partc_sync_insert AFTER INSERT ON %s FOR EACH ROW EXECUTE FUNCTION %s()', v_on, v_fn);
        EXECUTE format('CREATE TRIGGER partc_sync_update AFTER UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION %s()', v_on, v_fn);
        EXECUTE format('CREATE TRIGGER partc_sync_delete AFTER DELETE ON %s FOR EACH ROW EXECUTE FUNCTION %s()', v_on, v_fn);
    ELSE
        EXECUTE format('CREATE TRIGGER partc_sync_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS n'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION %s()', v_on, v_fn);
        EXECUTE format('CREATE TRIGGER partc_sync_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS o NEW TABLE AS n'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION %s()', v_on, v_fn);
        EXECUTE format('CREATE TRIGGER partc_sync_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS o'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION %s()', v_on, v_fn);
    END IF;
    EXECUTE format('CREATE TRIGGER partc_sync_truncate BEFORE TRUNCATE ON %s'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION %s()', v_on, {{fn_guard_lit}});
END
${{tag}}$;

-- Applies up to p_limit entries of the sync log to the shadow: the rows
-- of those keys are copied again as they are now.  Returns the entries done.
CREATE FUNCTION {{fn_replay}}(p_limit integer)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = {{search_path}}
AS ${{tag}}$
DECLARE
    v_done {{log}}[];
BEGIN
    WITH d AS (DELETE FROM {{log}} l
                WHERE l.seq IN (SELECT s.seq FROM {{log}} s ORDER BY s.seq LIMIT p_limit)
            RETURNING l.*)
    SELECT coalesce(array_agg(d::{{log}}), '{}') INTO v_done FROM d;
    IF cardinality(v_done) = 0 THEN
        RETURN 0;
    END IF;
    DELETE FROM {{shadow}} x USING (SELECT DISTINCT {{log_cols}} FROM unnest(v_done)) l WHERE {{match_x_l}};
    INSERT INTO {{shadow}} OVERRIDING SYSTEM VALUE
    SELECT o.* FROM {{table}} o WHERE {{ident_o_u}};
    RETURN cardinality(v_done);
END
${{tag}}$;
