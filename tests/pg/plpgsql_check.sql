-- tests/pg/plpgsql_check.sql: every PL/pgSQL function and procedure of the
-- current database (outside the system schemas and extensions) through
-- plpgsql_check, trigger functions once per trigger that calls them (with
-- the trigger's table and the transition tables its triggers there name).
-- Functions listed in the psql variable `seen` (comma-separated md5 of
-- signature and source) are skipped: check_migrations.sh checks each
-- function right after the migration that creates or changes it, in the
-- state it is made for, and not again when a later pass re-creates it
-- unchanged.  Prints one line per finding: level, function, line, sqlstate,
-- message (tab-separated), then one line "seen<TAB>LIST" for the next call.
-- Leaves no object behind (the extension is dropped).
-- Run with psql -X -At -v ON_ERROR_STOP=1 -v seen=... -f.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION plpgsql_check;
CREATE TEMP TABLE partc_plc (fn text, level text, lineno int, sqlstate text, message text);
SELECT set_config('partc.seen', :'seen', false) \g /dev/null
CREATE TEMP TABLE partc_plc_seen AS
SELECT id FROM unnest(string_to_array(current_setting('partc.seen'), ',')) id WHERE id <> '';
DO $$
DECLARE f record; t record;
BEGIN
    FOR f IN SELECT * FROM (
                 SELECT p.oid, p.oid::regprocedure::text AS name,
                        md5(p.oid::regprocedure::text || E'\n' || p.prosrc) AS id,
                        p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype AS is_trigger
                   FROM pg_catalog.pg_proc p
                   JOIN pg_catalog.pg_language l ON l.oid = p.prolang
                   JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                  WHERE l.lanname = 'plpgsql'
                    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                                     WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
                                       AND d.deptype = 'e')) fn
              WHERE NOT fn.id = ANY (string_to_array(current_setting('partc.seen'), ','))
              ORDER BY fn.name
    LOOP
        IF f.is_trigger THEN
            -- one trigger function may serve several triggers of a table
            -- (INSERT with new rows, DELETE with old ones): both names.  Only
            -- enabled triggers: a conversion creates some disabled, for a
            -- later phase whose tables do not exist yet; the function is
            -- checked once a trigger calling it is enabled.
            FOR t IN SELECT tgrelid, max(tgoldtable) AS tgoldtable, max(tgnewtable) AS tgnewtable
                       FROM pg_catalog.pg_trigger WHERE tgfoid = f.oid AND tgenabled <> 'D' GROUP BY tgrelid LOOP
                INSERT INTO partc_plc_seen VALUES (f.id);
                INSERT INTO partc_plc
                SELECT f.name || ' on ' || t.tgrelid::regclass::text, c.level, c.lineno, c.sqlstate, c.message
                  FROM plpgsql_check_function_tb(f.oid, t.tgrelid, fatal_errors => false, performance_warnings => true, security_warnings => true,
                                                 oldtable => t.tgoldtable, newtable => t.tgnewtable) c;
            END LOOP;
        ELSE
            INSERT INTO partc_plc_seen VALUES (f.id);
            INSERT INTO partc_plc
            SELECT f.name, c.level, c.lineno, c.sqlstate, c.message
              FROM plpgsql_check_function_tb(f.oid, fatal_errors => false, performance_warnings => true, security_warnings => true) c;
        END IF;
    END LOOP;
END $$;
SELECT level || E'\t' || fn || E'\t' || coalesce(lineno::text, '-') || E'\t' || coalesce(sqlstate, '-') || E'\t' ||
       replace(message, E'\n', ' ')
  FROM partc_plc ORDER BY fn, lineno, message;
SELECT E'seen\t' || coalesce(string_agg(DISTINCT id, ','), '') FROM partc_plc_seen;
DROP TABLE partc_plc, partc_plc_seen;
DROP EXTENSION plpgsql_check;
