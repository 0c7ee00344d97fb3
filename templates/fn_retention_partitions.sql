--! With fn_retire_statements after it when the renderer supplies fn_statements.
-- Retention for the table: {{action}} every partition whose whole range is older
-- than p_now - {{keep}}, never one of the newest {{protect}} partitions that have
-- begun, never a future one.  Each partition takes ACCESS EXCLUSIVE on the table
-- and the partition, asked for first and waiting at most {{maint_lock_timeout}} (a few
-- attempts with pauses between them, then only what it can get at once), so that no
-- reader waits longer behind it; what it cannot lock is left for the next run and
-- named in a WARNING.  Returns the number of partitions retired.
CREATE FUNCTION {{fn_retention}}(p_now timestamptz DEFAULT now())
RETURNS integer
LANGUAGE plpgsql
SET search_path = {{search_path}}
SET timezone = 'UTC'
SET lock_timeout = {{maint_lock_timeout}}
AS ${{tag}}$
DECLARE
    v_table   regclass := {{table_lit}}::regclass;
    v_default text := (SELECT ', ONLY ' || p.partdefid::regclass::text FROM pg_catalog.pg_partitioned_table p
                        WHERE p.partrelid = {{table_lit}}::regclass AND p.partdefid <> 0);
    v_done    integer := 0;
    v_try     integer;
    v_nowait  text;
    v_why     text;
    v_left    text;
    v_next    text;
    r         record;
BEGIN
    -- one maintainer at a time: a second caller returns at once
    IF NOT pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtextextended({{table_lit}}, 0::bigint)) THEN
        RAISE NOTICE '% is being maintained by another session', {{table_lit}};
        RETURN 0;
    END IF;
    FOR r IN
{{eligible}}    LOOP
        IF v_why IS NOT NULL THEN
            v_left := v_left || ', ' || r.part::text;
            CONTINUE;
        END IF;
{{attempt_begin}}                -- the order in which readers lock: the table, then its partitions
                IF r.pending THEN
                    EXECUTE format('LOCK TABLE ONLY %s IN SHARE UPDATE EXCLUSIVE MODE', v_table) || v_nowait;
                    EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', r.part) || v_nowait;
                ELSE
                    EXECUTE format('LOCK TABLE ONLY %s, ONLY %s%s IN ACCESS EXCLUSIVE MODE', v_table, r.part, v_default) || v_nowait;
                END IF;
                EXECUTE format('ALTER TABLE %s DETACH PARTITION %s%s', v_table, r.part,
                               CASE WHEN r.pending THEN ' FINALIZE' ELSE '' END);
                v_next := {{retire}};
                IF v_next IS NOT NULL THEN
                    EXECUTE v_next;
                END IF;
{{attempt_end}}        IF v_why IS NULL THEN
            v_done := v_done + 1;
        ELSE
            v_left := r.part::text;
        END IF;
    END LOOP;
    IF v_why IS NOT NULL THEN
        RAISE WARNING 'retention of % left % for the next run: %', v_table, v_left, v_why;
    END IF;
    RETURN v_done;
END
${{tag}}$;
