--! placeholders: fn_retention, table_lit, search_path, lock_timeout, tag, keep, protect, bounds, retire, action
-- Retention for the table: {{action}} every partition whose whole range is older
-- than p_now - {{keep}}, never one of the newest {{protect}} partitions that have
-- begun, never a future one.  Returns the number of partitions retired.
CREATE FUNCTION {{fn_retention}}(p_now timestamptz DEFAULT now())
RETURNS integer
LANGUAGE plpgsql
SET search_path = {{search_path}}
SET timezone = 'UTC'
SET lock_timeout = {{lock_timeout}}
AS ${{tag}}$
DECLARE
    v_cutoff timestamptz := p_now - {{keep}}::interval;
    v_seen   integer := 0;
    v_done   integer := 0;
    r        record;
BEGIN
    -- one maintainer at a time: a second caller returns at once
    IF NOT pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtextextended({{table_lit}}, 0::bigint)) THEN
        RAISE NOTICE '% is being maintained by another session', {{table_lit}};
        RETURN 0;
    END IF;
    FOR r IN
        SELECT b.part, b.upper_bound
          FROM ({{bounds}}) b
         WHERE b.lower_bound <= p_now
         ORDER BY b.lower_bound DESC
    LOOP
        v_seen := v_seen + 1;
        CONTINUE WHEN v_seen <= {{protect}};
        CONTINUE WHEN r.upper_bound > v_cutoff;
{{retire}}        v_done := v_done + 1;
    END LOOP;
    RETURN v_done;
END
${{tag}}$;
