-- The sync log: the keys of rows written while the backfill copies.
-- (the key columns with the live table's types; the log is new and empty
-- in this transaction, so squawk's rules for live tables are silenced)
CREATE TABLE {{log}} AS
    SELECT {{log_cols}} FROM {{table}} WITH NO DATA;
-- squawk-ignore adding-field-with-default, adding-serial-primary-key-field
ALTER TABLE {{log}} ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX ON {{log}} ({{ident_cols}});

-- Where the backfill stands; one row.
CREATE TABLE {{state}} (
    id            bigint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
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
    IF TG_RELID <> {{table_lit}}::regclass THEN
        RAISE EXCEPTION 'partc: % is not a trigger of %', TG_NAME, {{table_lit}};
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {{log}} ({{log_cols}})
        SELECT {{log_cols}} FROM n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO {{log}} ({{log_cols}})
        SELECT {{log_cols}} FROM o UNION ALL SELECT {{log_cols}} FROM n;
    ELSE
        INSERT INTO {{log}} ({{log_cols}})
        SELECT {{log_cols}} FROM o;
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
    IF TG_RELID <> {{table_lit}}::regclass THEN
        RAISE EXCEPTION 'partc: % is not a trigger of %', TG_NAME, {{table_lit}};
    END IF;
    -- a snapshot taken before the switch to mirroring (REPEATABLE READ,
    -- SERIALIZABLE) does not see what the backfill wrote: retry
    IF (SELECT s.phase FROM {{state}} s) NOT IN ('verify', 'done', 'swapped') THEN
        RAISE EXCEPTION 'partc: this transaction''s snapshot predates the mirroring of %', {{table_lit}}
            USING ERRCODE = 'serialization_failure', HINT = 'retry the transaction';
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM {{shadow}} x USING o
         WHERE {{match_x_o}};
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
        DELETE FROM {{old}} x
         WHERE {{ident_x_old}};
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

-- The sync triggers, created once and switched on and off by mode (ALTER
-- TABLE ... ENABLE/DISABLE TRIGGER takes SHARE ROW EXCLUSIVE, not the ACCESS
-- EXCLUSIVE of CREATE/DROP TRIGGER).  ENABLE ALWAYS: they fire also under
-- session_replication_role = replica.  On the table: capture and forward
-- (statement triggers with transition tables) and the TRUNCATE guard; on the
-- shadow: reverse (row triggers, cloned to every partition) and the guard.
CREATE TRIGGER partc_sync_capture_insert AFTER INSERT ON {{table}} REFERENCING NEW TABLE AS n
    FOR EACH STATEMENT EXECUTE FUNCTION {{fn_capture}}();
CREATE TRIGGER partc_sync_capture_update AFTER UPDATE ON {{table}}
    REFERENCING OLD TABLE AS o NEW TABLE AS n
    FOR EACH STATEMENT EXECUTE FUNCTION {{fn_capture}}();
CREATE TRIGGER partc_sync_capture_delete AFTER DELETE ON {{table}} REFERENCING OLD TABLE AS o
    FOR EACH STATEMENT EXECUTE FUNCTION {{fn_capture}}();
CREATE TRIGGER partc_sync_forward_insert AFTER INSERT ON {{table}} REFERENCING NEW TABLE AS n
    FOR EACH STATEMENT EXECUTE FUNCTION {{fn_forward}}();
CREATE TRIGGER partc_sync_forward_update AFTER UPDATE ON {{table}}
    REFERENCING OLD TABLE AS o NEW TABLE AS n
    FOR EACH STATEMENT EXECUTE FUNCTION {{fn_forward}}();
CREATE TRIGGER partc_sync_forward_delete AFTER DELETE ON {{table}} REFERENCING OLD TABLE AS o
    FOR EACH STATEMENT EXECUTE FUNCTION {{fn_forward}}();
CREATE TRIGGER partc_sync_guard BEFORE TRUNCATE ON {{table}}
    FOR EACH STATEMENT EXECUTE FUNCTION {{fn_guard}}();
CREATE TRIGGER partc_sync_reverse_insert AFTER INSERT ON {{shadow}}
    FOR EACH ROW EXECUTE FUNCTION {{fn_reverse}}();
CREATE TRIGGER partc_sync_reverse_update AFTER UPDATE ON {{shadow}}
    FOR EACH ROW EXECUTE FUNCTION {{fn_reverse}}();
CREATE TRIGGER partc_sync_reverse_delete AFTER DELETE ON {{shadow}}
    FOR EACH ROW EXECUTE FUNCTION {{fn_reverse}}();
CREATE TRIGGER partc_sync_guard BEFORE TRUNCATE ON {{shadow}}
    FOR EACH STATEMENT EXECUTE FUNCTION {{fn_guard}}();
-- they run as their owner: nobody else may attach them to a table of theirs
REVOKE ALL ON FUNCTION {{fn_capture}}() FROM PUBLIC;
REVOKE ALL ON FUNCTION {{fn_forward}}() FROM PUBLIC;
REVOKE ALL ON FUNCTION {{fn_reverse}}() FROM PUBLIC;

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
        RETURN 0::bigint;
    END IF;
    -- every copy of those rows goes, wherever the copy or an earlier replay put it
    DELETE FROM {{shadow}} x
     WHERE {{ident_x_u}};
    INSERT INTO {{shadow}} OVERRIDING SYSTEM VALUE
    SELECT o.* FROM {{table}} o
     WHERE {{ident_o_u}};
    RETURN cardinality(v_done)::bigint;
END
${{tag}}$;
