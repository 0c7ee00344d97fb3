-- Retention that keeps what it retires: archive (detach, then move to the
-- schema cold) and detach.  Everything retired is dropped at the end so that
-- the rollback can be compared with the baseline.
\set ON_ERROR_STOP 1

DO $$ BEGIN
    ASSERT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'cold'), 'the up created the archive schema';
END $$;

INSERT INTO public.access_logs (path, logged_at) VALUES ('/old', '2026-10-15+00'), ('/old', '2026-11-15+00');
INSERT INTO public.error_logs (message, logged_at) VALUES ('old', '2026-10-15+00');

-- archive: keep 2 months, protect 2 (default)
DO $$
DECLARE n integer; before integer;
BEGIN
    SELECT count(*) INTO before FROM pg_inherits WHERE inhparent = 'public.access_logs'::regclass;
    n := partc.create_partitions('public', 'access_logs', '2027-06-15');
    ASSERT (SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.access_logs'::regclass) = 11, 'access_logs 2026-10 .. 2027-08';
    ASSERT n = 11 - before, 'created ' || n || ', missing were ' || (11 - before);

    -- 2027-06-15: cutoff 2027-04-15; June and May are protected; April ends
    -- after the cutoff; 2026-10 .. 2027-03 are archived
    n := partc.apply_retention('public', 'access_logs', '2027-06-15');
    ASSERT n = 6, 'access_logs partitions archived: ' || n;
    ASSERT partc.apply_retention('public', 'access_logs', '2027-06-15') = 0, 'retention is idempotent';
    ASSERT (SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.access_logs'::regclass) = 5, '2027-04 .. 2027-08 stay attached';
    ASSERT to_regclass('public.access_logs_2027_04') IS NOT NULL, 'April stays';
    ASSERT to_regclass('public.access_logs_2026_10') IS NULL, 'archived partitions leave public';
    ASSERT (SELECT count(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
             WHERE s.nspname = 'cold' AND c.relkind = 'r' AND NOT c.relispartition
               AND c.relname ~ '^access_logs_20(26_1[0-2]|27_0[1-3])$') = 6, 'six plain tables in cold';
    ASSERT (SELECT count(*) FROM cold.access_logs_2026_10) = 1 AND (SELECT count(*) FROM cold.access_logs_2026_11) = 1, 'archived rows kept';
    ASSERT NOT EXISTS (SELECT 1 FROM public.access_logs WHERE path = '/old'), 'archived rows no longer in the table';
END $$;

-- detach: keep 1 month, protect 3
DO $$
DECLARE n integer;
BEGIN
    -- before maintenance, on 2027-03-10 the newest three that began are
    -- 2027-01, 2026-12, 2026-11: only 2026-10 goes
    n := partc.apply_retention('public', 'error_logs', '2027-03-10');
    ASSERT n = 1, 'error_logs partitions detached without maintenance: ' || n;
    PERFORM partc.create_partitions('public', 'error_logs', '2027-03-10');
    -- now 2027-03, 2027-02, 2027-01 are the newest three; 2026-11 and 2026-12 go
    n := partc.apply_retention('public', 'error_logs', '2027-03-10');
    ASSERT n = 2, 'error_logs partitions detached after maintenance: ' || n;
    ASSERT to_regclass('public.error_logs_2027_01') IS NOT NULL
       AND (SELECT relispartition FROM pg_class WHERE oid = 'public.error_logs_2027_01'::regclass), 'protected partition stays attached';
    ASSERT (SELECT count(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
             WHERE s.nspname = 'public' AND c.relkind = 'r' AND NOT c.relispartition
               AND c.relname IN ('error_logs_2026_10', 'error_logs_2026_11', 'error_logs_2026_12')) = 3, 'detached partitions are kept as tables';
    ASSERT (SELECT message FROM public.error_logs_2026_10) = 'old', 'detached rows kept';
    ASSERT NOT EXISTS (SELECT 1 FROM public.error_logs), 'detached rows no longer in the table';
END $$;

DELETE FROM public.access_logs;

-- leave no detached or archived table behind for the rollback comparison
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind = 'r' AND NOT c.relispartition
                AND (n.nspname = 'cold' OR (n.nspname = 'public' AND c.relname ~ '^error_logs_[0-9]{4}_[0-9]{2}$'))
    LOOP
        EXECUTE 'DROP TABLE ' || r.rel;
    END LOOP;
END $$;
