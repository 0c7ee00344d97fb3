-- The runtime lives in "Maint": the table is registered there, its
-- maintenance runs through it (partitions ahead, retention, security on
-- each new partition), and nothing of it is in partc or public.
\set ON_ERROR_STOP 1
DO $$
DECLARE n integer;
BEGIN
    ASSERT to_regnamespace('partc') IS NULL, 'no schema partc';
    ASSERT (SELECT version FROM "Maint".runtime) = 1, 'runtime version 1 in "Maint"';
    ASSERT EXISTS (SELECT 1 FROM "Maint".tables WHERE schema_name = 'public' AND table_name = 'visits'), 'registered';
    n := "Maint".create_partitions('public', 'visits', '2027-03-10');
    ASSERT n = 4, 'partitions 2027-02 .. 2027-05 made: ' || n;
    ASSERT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = 'public.visits_2027_05'::regclass AND polname = 'own'),
        'the policy on a new partition';
    ASSERT "Maint".apply_retention('public', 'visits', '2027-03-10') = 3, 'retention: 2026-10 .. 2026-12';
    ASSERT (SELECT status FROM "Maint".partition_health('2027-03-10') WHERE table_name = 'public.visits') = 'OK', 'health';
    PERFORM * FROM "Maint".maintain('public', 'visits');
    ASSERT (SELECT last_error IS NULL AND last_run IS NOT NULL FROM "Maint".tables WHERE table_name = 'visits'),
        'maintain records its run';
END $$;
