-- Quarterly ranges named with {Q}, yearly ranges with the default naming,
-- both across year boundaries.
\set ON_ERROR_STOP 1

-- The migration also ran the function with the real clock, which may have
-- added ranges after the static ones; drop those so that the counts below do
-- not depend on the day the test runs.
SELECT format('DROP TABLE %s', c.oid::regclass) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'public.ledger_entries'::regclass AND c.relname > 'ledger_2027_q2'
\gexec

SELECT format('DROP TABLE %s', c.oid::regclass) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'public.annual_reports'::regclass AND c.relname > 'annual_reports_2028'
\gexec

-- static partitions: quarterly 2026 Q4 .. 2027 Q2, yearly 2025 .. 2028
DO $$
DECLARE b text;
BEGIN
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.ledger_2026_q4'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2026-10-01 00:00:00+00') TO ('2027-01-01 00:00:00+00')$b$, 'ledger_2026_q4 bounds: ' || b;
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.ledger_2027_q2'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2027-04-01 00:00:00+00') TO ('2027-07-01 00:00:00+00')$b$, 'ledger_2027_q2 bounds: ' || b;
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.annual_reports_2025'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00')$b$, 'annual_reports_2025 bounds: ' || b;
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.annual_reports_2028'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2028-01-01 00:00:00+00') TO ('2029-01-01 00:00:00+00')$b$, 'annual_reports_2028 bounds: ' || b;
    ASSERT (SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.annual_reports'::regclass) = 4, 'yearly 2025 .. 2028';
    ASSERT (SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.ledger_entries'::regclass) = 3, 'quarterly 2026 Q4 .. 2027 Q2';
END $$;

-- quarterly maintenance across the year: 2027-11-15 is in Q4 2027, plus 2
-- ahead is Q2 2028; Q3 2027 .. Q2 2028 are missing
DO $$
DECLARE n integer; b text;
BEGIN
    n := partc.create_partitions('public', 'ledger_entries', '2027-11-15');
    ASSERT n = 4, 'quarterly partitions created for 2027-11-15: ' || n;
    ASSERT partc.create_partitions('public', 'ledger_entries', '2027-11-15') = 0, 'second run creates nothing';
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.ledger_2027_q4'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2027-10-01 00:00:00+00') TO ('2028-01-01 00:00:00+00')$b$, 'ledger_2027_q4 bounds: ' || b;
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.ledger_2028_q1'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2028-01-01 00:00:00+00') TO ('2028-04-01 00:00:00+00')$b$, 'ledger_2028_q1 bounds: ' || b;
    ASSERT to_regclass('public.ledger_2028_q2') IS NOT NULL AND to_regclass('public.ledger_2028_q3') IS NULL, 'through Q2 2028';
END $$;

INSERT INTO public.ledger_entries (account, amount, booked_at)
VALUES ('a', 1, '2027-12-31 23:59:59+00'), ('b', 2, '2028-01-01 00:00:00+00');
DO $$ BEGIN
    ASSERT (SELECT account FROM ONLY public.ledger_2027_q4) = 'a', 'last second of 2027 in Q4 2027';
    ASSERT (SELECT account FROM ONLY public.ledger_2028_q1) = 'b', 'first second of 2028 in Q1 2028';
END $$;
DELETE FROM public.ledger_entries;

-- yearly maintenance and retention (keep 1 year, protect 2, drop)
DO $$
DECLARE n integer;
BEGIN
    n := partc.create_partitions('public', 'annual_reports', '2029-03-01');
    ASSERT n = 3, 'yearly partitions created for 2029-03-01: ' || n;   -- 2029 .. 2031
    SELECT count(*) INTO n FROM pg_inherits WHERE inhparent = 'public.annual_reports'::regclass;
    ASSERT n = 7, 'yearly 2025 .. 2031: ' || n;

    -- 2030-02-01: cutoff 2029-02-01; 2030 and 2029 are the newest two that
    -- began; 2028 .. 2025 ended before the cutoff; 2031 has not begun
    n := partc.apply_retention('public', 'annual_reports', '2030-02-01');
    ASSERT n = 4, 'yearly partitions dropped on 2030-02-01: ' || n;
    ASSERT to_regclass('public.annual_reports_2028') IS NULL AND to_regclass('public.annual_reports_2025') IS NULL, 'old years dropped';
    ASSERT to_regclass('public.annual_reports_2029') IS NOT NULL AND to_regclass('public.annual_reports_2030') IS NOT NULL, 'newest two kept';
    ASSERT to_regclass('public.annual_reports_2031') IS NOT NULL, 'future partition kept';
    ASSERT partc.apply_retention('public', 'annual_reports', '2030-02-01') = 0, 'retention is idempotent';

    -- far in the future without maintenance: protect keeps the two newest that began
    n := partc.apply_retention('public', 'annual_reports', '2040-01-01');
    ASSERT n = 1, 'yearly partitions dropped on 2040-01-01: ' || n;
    ASSERT to_regclass('public.annual_reports_2029') IS NULL, '2029 dropped';
    ASSERT (SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.annual_reports'::regclass) = 2, 'protect 2 keeps 2030 and 2031';
END $$;
