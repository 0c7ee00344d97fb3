-- Hourly ranges with the default naming {table}_{YYYY}{MM}{DD}_{HH}.
\set ON_ERROR_STOP 1

-- the partitions the migration wrote statically (2026-11-22 00:00 .. 06:00), exact bounds
DO $$
DECLARE b text;
BEGIN
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.sensor_events_20261122_00'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2026-11-22 00:00:00+00') TO ('2026-11-22 01:00:00+00')$b$, 'sensor_events_20261122_00 bounds: ' || b;
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.sensor_events_20261122_06'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2026-11-22 06:00:00+00') TO ('2026-11-22 07:00:00+00')$b$, 'sensor_events_20261122_06 bounds: ' || b;
END $$;

-- The migration also ran the function with the real clock, which may have
-- added ranges after 06:00.  Drop those so that the count below does not
-- depend on the hour the test runs.
SELECT format('DROP TABLE %s', c.oid::regclass) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'public.sensor_events'::regclass AND c.relname > 'sensor_events_20261122_06'
\gexec
DO $$ BEGIN
    ASSERT (SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.sensor_events'::regclass) = 7, 'seven static partitions';
END $$;

-- p_now = 2026-11-23 05:30: the range holding it is 05:00, plus 6 ahead is
-- 11:00; from 2026-11-22 07:00 through 2026-11-23 11:00 are 17 + 12 = 29 ranges
DO $$
DECLARE n integer; b text; h record;
BEGIN
    n := partc.create_partitions('public', 'sensor_events', '2026-11-23 05:30+00');
    ASSERT n = 29, 'partitions created for 2026-11-23 05:30: ' || n;
    ASSERT partc.create_partitions('public', 'sensor_events', '2026-11-23 05:30+00') = 0, 'second run creates nothing';
    ASSERT (SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.sensor_events'::regclass) = 36, 'partitions 2026-11-22 00:00 .. 2026-11-23 11:00';
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.sensor_events_20261123_00'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2026-11-23 00:00:00+00') TO ('2026-11-23 01:00:00+00')$b$, 'sensor_events_20261123_00 bounds: ' || b;
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.sensor_events_20261123_11'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2026-11-23 11:00:00+00') TO ('2026-11-23 12:00:00+00')$b$, 'sensor_events_20261123_11 bounds: ' || b;
    ASSERT to_regclass('public.sensor_events_20261123_12') IS NULL, 'nothing past premake';
    SELECT * INTO h FROM partc.partition_health('2026-11-23 05:30+00') WHERE table_name = 'public.sensor_events';
    ASSERT h.status = 'OK' AND h.newest_bound = '2026-11-23 12:00+00', 'health after maintenance: ' || h.status || ' ' || h.newest_bound;
    SELECT * INTO h FROM partc.partition_health('2026-11-23 10:30+00') WHERE table_name = 'public.sensor_events';
    ASSERT h.status = 'WARNING', '90 minutes ahead (warn_ahead 2 hours): ' || h.status;
    SELECT * INTO h FROM partc.partition_health('2026-11-23 11:30+00') WHERE table_name = 'public.sensor_events';
    ASSERT h.status = 'CRITICAL', '30 minutes ahead (critical_ahead 1 hour): ' || h.status;
END $$;

-- rows route to their hour
INSERT INTO public.sensor_events (sensor_id, ts) VALUES (1, '2026-11-22 23:59:59.999+00'), (2, '2026-11-23 00:00+00');
DO $$ BEGIN
    ASSERT (SELECT count(*) FROM ONLY public.sensor_events_20261122_23) = 1, 'row at 23:59:59.999 in the 23:00 range';
    ASSERT (SELECT sensor_id FROM ONLY public.sensor_events_20261123_00) = 2, 'row at midnight in the next day''s 00:00 range';
END $$;
DELETE FROM public.sensor_events;
