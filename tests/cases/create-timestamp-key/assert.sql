-- A partition key of type timestamp (without time zone): bounds have no
-- offset; the functions work in UTC.  Weekly ranges cross ISO week 53.
\set ON_ERROR_STOP 1

DO $$
DECLARE b text;
BEGIN
    ASSERT (SELECT format_type(atttypid, atttypmod) FROM pg_attribute
             WHERE attrelid = 'public.meter_readings'::regclass AND attname = 'taken_at') = 'timestamp without time zone', 'key type';
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.meter_readings_2026w47'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2026-11-16 00:00:00') TO ('2026-11-23 00:00:00')$b$, 'meter_readings_2026w47 bounds: ' || b;
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.meter_readings_2026w49'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2026-11-30 00:00:00') TO ('2026-12-07 00:00:00')$b$, 'meter_readings_2026w49 bounds: ' || b;
END $$;

-- The migration also ran the function with the real clock, which may have
-- added weeks after the static ones (2026-W47 .. 2026-W49); drop those so
-- that the counts below do not depend on the day the test runs.
SELECT format('DROP TABLE %s', c.oid::regclass) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'public.meter_readings'::regclass AND c.relname > 'meter_readings_2026w49'
\gexec

-- 2026-12-30 is in ISO week 2026-W53 (from Monday 2026-12-28); plus 2 ahead is
-- 2027-W02: 2026-W50 .. 2026-W53 and 2027-W01 .. 2027-W02 are created
DO $$
DECLARE n integer; b text;
BEGIN
    n := partc.create_partitions('public', 'meter_readings', '2026-12-30 12:00+00');
    ASSERT n = 6, 'weekly partitions created for 2026-12-30: ' || n;
    ASSERT (SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.meter_readings'::regclass) = 9, 'weekly partitions 2026-W47 .. 2027-W02';
    ASSERT partc.create_partitions('public', 'meter_readings', '2026-12-30 12:00+00') = 0, 'second run creates nothing';
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.meter_readings_2026w53'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2026-12-28 00:00:00') TO ('2027-01-04 00:00:00')$b$, 'meter_readings_2026w53 bounds: ' || b;
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.meter_readings_2027w02'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2027-01-11 00:00:00') TO ('2027-01-18 00:00:00')$b$, 'meter_readings_2027w02 bounds: ' || b;
    ASSERT to_regclass('public.meter_readings_2027w03') IS NULL, 'nothing past premake';
END $$;

-- the same bounds whatever the session's time zone
SET timezone = 'America/New_York';
INSERT INTO public.meter_readings VALUES (1, 1.5, '2027-01-03 23:59:59'), (1, 2.5, '2027-01-04 00:00:00');
DO $$
DECLARE h record;
BEGIN
    ASSERT (SELECT value FROM ONLY public.meter_readings_2026w53) = 1.5, 'Sunday 23:59:59 in 2026-W53';
    ASSERT (SELECT value FROM ONLY public.meter_readings_2027w01) = 2.5, 'Monday 00:00 in 2027-W01';
    SELECT * INTO h FROM partc.partition_health('2027-01-03 12:00+00') WHERE table_name = 'public.meter_readings';
    ASSERT h.newest_bound = '2027-01-18 00:00+00' AND h.status = 'OK', 'health on 2027-01-03: ' || h.newest_bound || ' ' || h.status;
    SELECT * INTO h FROM partc.partition_health('2027-01-05 00:00+00') WHERE table_name = 'public.meter_readings';
    ASSERT h.status = 'WARNING', 'health on 2027-01-05 (13 days ahead, warn_ahead two weeks): ' || h.status;
END $$;
RESET timezone;
DELETE FROM public.meter_readings;
