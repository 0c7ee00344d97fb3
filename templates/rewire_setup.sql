-- The foreign keys into {{table}} that the conversion moves onto the key of
-- the partitioned table, and where the backfill stands with each.
CREATE TABLE {{rewire}} (
    position    bigint PRIMARY KEY,
    ref_table   text NOT NULL,
    fk_name     text NOT NULL,
    fk_columns  text[] NOT NULL,
    key_column  text NOT NULL,
    not_null    boolean NOT NULL,
    check_name  text NOT NULL,
    index_name  text NOT NULL,
    phase       text NOT NULL DEFAULT 'fill' CHECK (phase IN ('fill', 'not_null', 'done')),
    next_page   bigint NOT NULL DEFAULT 0,
    rows_filled bigint NOT NULL DEFAULT 0
);
INSERT INTO {{rewire}} (position, ref_table, fk_name, fk_columns, key_column, not_null, check_name, index_name) VALUES
{{rewire_rows}};

-- Until the swap, a change of a row's {{key}} reaches the rows that
-- reference it.  First the row is locked FOR UPDATE: a referencing row
-- being written now, whose trigger read the key under FOR KEY SHARE,
-- commits first, and one written later reads the new key.  A REPEATABLE
-- READ or SERIALIZABLE transaction is refused (serialization_failure): its
-- snapshot would not see a referencing row committed after it began ...
CREATE FUNCTION {{fn_key_lock}}()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = {{search_path}}
AS ${{tag}}$
BEGIN
    IF TG_RELID = {{table_lit}}::regclass THEN
        IF pg_catalog.current_setting('transaction_isolation') <> 'read committed' THEN
            RAISE EXCEPTION 'partc: until the swap of %, % changes only in READ COMMITTED transactions', {{table_lit}}, {{key_lit}}
                USING ERRCODE = 'serialization_failure',
                      HINT = 'a snapshot older than the transaction would miss the rows that reference it: change it '
                             'in a READ COMMITTED transaction, or after the swap';
        END IF;
        PERFORM 1 FROM ONLY {{table}} x WHERE {{ident_x_old}} FOR UPDATE;
    END IF;
    RETURN NEW;
END
${{tag}}$;

-- ... then every referencing row takes the new key.
CREATE FUNCTION {{fn_key_follow}}()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = {{search_path}}
AS ${{tag}}$
BEGIN
    IF TG_RELID = {{table_lit}}::regclass THEN
{{follow_statements}}
    END IF;
    RETURN NULL;
END
${{tag}}$;

CREATE TRIGGER partc_rewire_lock BEFORE UPDATE OF {{key}} ON {{table}}
    FOR EACH ROW WHEN (NEW.{{key}} IS DISTINCT FROM OLD.{{key}}) EXECUTE FUNCTION {{fn_key_lock}}();
CREATE TRIGGER partc_rewire_follow AFTER UPDATE OF {{key}} ON {{table}}
    FOR EACH ROW WHEN (NEW.{{key}} IS DISTINCT FROM OLD.{{key}}) EXECUTE FUNCTION {{fn_key_follow}}();
-- ENABLE ALWAYS: they fire also under session_replication_role = replica
ALTER TABLE {{table}} ENABLE ALWAYS TRIGGER partc_rewire_lock;
ALTER TABLE {{table}} ENABLE ALWAYS TRIGGER partc_rewire_follow;
