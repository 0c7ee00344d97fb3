--! rel_decl and rel_assign declare and set v_rel, the new partition, only for the default-partition
--! and security steps.
-- Creates the missing partitions of {{table}} through {{premake}} ranges ahead
-- of the range that holds p_now, starting after the newest partition so that
-- no gap is left, each with the table's security.  Idempotent; a
-- call made while another runs returns 0 at once (advisory lock).  Pass p_now to
-- plan for another day.  Each partition takes ACCESS EXCLUSIVE on the table, asked
-- for first and waiting at most {{maint_lock_timeout}} (a few attempts with pauses
-- between them, then only what it can get at once), so that no reader waits longer
-- behind it; what it cannot lock is left for the next run and named in a WARNING.
-- Returns the number of partitions created.
CREATE FUNCTION {{fn_create}}(p_now timestamptz DEFAULT now())
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
    v_now     timestamptz := date_trunc({{trunc}}, p_now);
    v_last    timestamptz := v_now + {{premake}} * {{interval}}::interval;
    v_lo      timestamptz;
    v_hi      timestamptz;
    v_name    text;
{{rel_decl}}    v_made    integer := 0;
    v_try     integer;
    v_nowait  text;
    v_why     text;
    v_left    text;
BEGIN
    -- one maintainer at a time: a second caller returns at once
    IF NOT pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtextextended({{table_lit}}, 0::bigint)) THEN
        RAISE NOTICE '% is being maintained by another session', {{table_lit}};
        RETURN 0;
    END IF;
    SELECT greatest({{start}}::timestamptz, least(v_now, coalesce(max(b.upper_bound), v_now)))
      INTO v_lo
      FROM ({{bounds}}) b;
    WHILE v_lo <= v_last LOOP
        v_hi := v_lo + {{interval}}::interval;
        v_name := to_char(v_lo, {{to_char}});
        IF to_regclass(format('%I.%I', {{schema_lit}}, v_name)) IS NOT NULL THEN
            v_lo := v_hi;
            CONTINUE;
        ELSIF v_why IS NOT NULL THEN
            -- stopped: a later range created now would leave a gap
            v_left := v_left || ', ' || format('%I.%I', {{schema_lit}}, v_name);
            v_lo := v_hi;
            CONTINUE;
        END IF;
{{attempt_begin}}                -- the order in which readers lock: the table, then its partitions
                EXECUTE format('LOCK TABLE ONLY %s%s IN ACCESS EXCLUSIVE MODE', v_table, v_default) || v_nowait;
{{default_take}}                EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                               {{schema_lit}}, v_name, v_table,
                               to_char(v_lo, {{bound_format}}), to_char(v_hi, {{bound_format}}));
{{rel_assign}}{{default_return}}{{secure_stmt}}{{attempt_end}}        IF v_why IS NULL THEN
            v_made := v_made + 1;
        ELSE
            v_left := format('%I.%I', {{schema_lit}}, v_name);
        END IF;
        v_lo := v_hi;
    END LOOP;
    IF v_why IS NOT NULL THEN
        RAISE WARNING 'partitions of % left for the next run: %: %', v_table, v_left, v_why;
    END IF;
    RETURN v_made;
END
${{tag}}$;
