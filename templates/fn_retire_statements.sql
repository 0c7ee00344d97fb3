--! Follows fn_retention_partitions when settings.postgres is 14 or later and the table has no
--! default partition.
-- The statements that retire what {{fn_retention}}(p_now) would, without ever
-- making a reader wait: ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (FINALIZE
-- for a partition that an interrupted one left pending), each followed by what the
-- action does with the detached table.  They cannot run inside a function or a
-- transaction block: run each on its own, for instance with psql:
--   SELECT s FROM {{fn_statements}}() s \gexec
-- (with ON_ERROR_STOP).  Before PostgreSQL 14 or with a default partition the one
-- statement is SELECT {{fn_retention}}(p_now).
CREATE FUNCTION {{fn_statements}}(p_now timestamptz DEFAULT now())
RETURNS SETOF text
LANGUAGE plpgsql
STABLE
SET search_path = {{search_path}}
SET timezone = 'UTC'
AS ${{tag}}$
DECLARE
    v_table regclass := {{table_lit}}::regclass;
    v_next  text;
    r       record;
BEGIN
    IF pg_catalog.current_setting('server_version_num')::integer < 140000
       OR (SELECT p.partdefid <> 0 FROM pg_catalog.pg_partitioned_table p WHERE p.partrelid = v_table) THEN
        RETURN NEXT format('SELECT %s(%L)', {{fn_retention_lit}}, p_now);
        RETURN;
    END IF;
    FOR r IN
{{eligible}}    LOOP
        RETURN NEXT format('ALTER TABLE %s DETACH PARTITION %s %s', v_table, r.part,
                           CASE WHEN r.pending THEN 'FINALIZE' ELSE 'CONCURRENTLY' END);
        -- only once the partition is detached: a run that stopped on an error
        -- (without ON_ERROR_STOP) never drops or moves an attached partition
        v_next := {{retire}};
        IF v_next IS NOT NULL THEN
            RETURN NEXT format('DO %L', format('BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass(%L) AND NOT c.relispartition) THEN %s; END IF; END',
                                               r.part, v_next));
        END IF;
    END LOOP;
END
${{tag}}$;
