-- PostgreSQL 14 runs an UPDATE that moves a row to another partition as a
-- DELETE and an INSERT, and runs the ON DELETE actions of the foreign keys
-- into it: a cascade would delete the rows that reference it.  So a row
-- that other tables reference changes its {{key}} within its partition only.
CREATE OR REPLACE FUNCTION {{fn_key_move}}()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = {{search_path}}
SET timezone = 'UTC'
AS ${{tag}}$
BEGIN
    IF ({{referenced_old}})
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h, {{rt}}.bounds(h.inhparent) b
                        WHERE h.inhrelid = TG_RELID AND b.part = TG_RELID::regclass
                          AND NEW.{{key}} >= b.lower_bound AND NEW.{{key}} < b.upper_bound) THEN
        RAISE EXCEPTION 'partc: a row of % that other tables reference cannot move to another partition on PostgreSQL 14', {{table_lit}}
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'PostgreSQL 14 would run the ON DELETE actions of the foreign keys into it: change the key within its range, or upgrade to 15';
    END IF;
    RETURN NEW;
END
${{tag}}$;
CREATE OR REPLACE TRIGGER partc_rewire_move BEFORE UPDATE OF {{key}} ON {{table}}
    FOR EACH ROW WHEN (NEW.{{key}} IS DISTINCT FROM OLD.{{key}}) EXECUTE FUNCTION {{fn_key_move}}();
