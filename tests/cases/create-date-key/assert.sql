-- A partition key of type date: bounds are dates, the function creates
-- date bounds, retention compares them as midnight UTC.
\set ON_ERROR_STOP 1

DO $$
DECLARE b text;
BEGIN
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.daily_visits_20261120'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2026-11-20') TO ('2026-11-21')$b$, 'daily_visits_20261120 bounds: ' || b;
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.daily_visits_20261125'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2026-11-25') TO ('2026-11-26')$b$, 'daily_visits_20261125 bounds: ' || b;
END $$;

-- The migration also ran the function with the real clock, which may have
-- added days after the static ones (2026-11-20 .. 2026-11-25); drop those so
-- that the counts below do not depend on the day the test runs.
SELECT format('DROP TABLE %s', c.oid::regclass) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'public.daily_visits'::regclass AND c.relname > 'daily_visits_20261125'
\gexec

-- 2026-12-31 plus 3 ahead: every day from 2026-11-26 through 2027-01-03
-- (5 + 31 + 3 = 39) is created, 45 partitions in all
DO $$
DECLARE n integer; b text;
BEGIN
    n := partc.create_partitions('public', 'daily_visits', '2026-12-31 18:00+00');
    ASSERT n = 39, 'daily partitions created for 2026-12-31: ' || n;
    ASSERT (SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.daily_visits'::regclass) = 45, 'daily partitions 2026-11-20 .. 2027-01-03';
    ASSERT partc.create_partitions('public', 'daily_visits', '2026-12-31 18:00+00') = 0, 'second run creates nothing';
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.daily_visits_20270101'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2027-01-01') TO ('2027-01-02')$b$, 'daily_visits_20270101 bounds: ' || b;
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.daily_visits_20270103'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2027-01-03') TO ('2027-01-04')$b$, 'daily_visits_20270103 bounds: ' || b;
    ASSERT to_regclass('public.daily_visits_20270104') IS NULL, 'nothing past premake';
END $$;

INSERT INTO public.daily_visits (visit_day, site) VALUES ('2026-12-31', 'a'), ('2027-01-01', 'a');
DO $$ BEGIN
    ASSERT (SELECT visit_day FROM ONLY public.daily_visits_20261231) = '2026-12-31', 'row in daily_visits_20261231';
    ASSERT (SELECT visit_day FROM ONLY public.daily_visits_20270101) = '2027-01-01', 'row in daily_visits_20270101';
END $$;
DELETE FROM public.daily_visits;

-- retention on 2027-01-02 12:00, keep 7 days: cutoff 2026-12-26 12:00; the
-- ranges ending by then (2026-11-20 .. 2026-12-25: 11 + 25 = 36) are dropped
DO $$
DECLARE n integer;
BEGIN
    n := partc.apply_retention('public', 'daily_visits', '2027-01-02 12:00+00');
    ASSERT n = 36, 'daily partitions dropped: ' || n;
    ASSERT to_regclass('public.daily_visits_20261225') IS NULL, 'daily_visits_20261225 dropped';
    ASSERT to_regclass('public.daily_visits_20261226') IS NOT NULL, 'daily_visits_20261226 ends after the cutoff and stays';
    ASSERT (SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.daily_visits'::regclass) = 9, '2026-12-26 .. 2027-01-03 stay';
    ASSERT partc.apply_retention('public', 'daily_visits', '2027-01-02 12:00+00') = 0, 'retention is idempotent';
END $$;
