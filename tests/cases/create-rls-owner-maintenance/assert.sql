-- The table belongs to an ordinary role, as when migrations run as an
-- application owner (and a pg_cron job runs as the user who scheduled it).
-- RLS is FORCEd, so it applies to that owner: the maintenance function lifts
-- FORCE on the default partition while it moves rows out of it, or the move
-- would see no row and CREATE TABLE ... PARTITION OF would fail.
\set ON_ERROR_STOP 1
DO $$
DECLARE r record;
BEGIN
    EXECUTE 'ALTER TABLE public.notes OWNER TO app_owner';
    FOR r IN SELECT inhrelid::regclass AS rel FROM pg_inherits WHERE inhparent = 'public.notes'::regclass LOOP
        EXECUTE 'ALTER TABLE ' || r.rel || ' OWNER TO app_owner';
    END LOOP;
    EXECUTE 'GRANT CREATE ON SCHEMA public TO app_owner';
    -- the runtime grants nothing to PUBLIC: the owner is let in by name
    PERFORM partc.grant_maintenance('app_owner');
END $$;
INSERT INTO public.notes (tenant_id, created_at) VALUES (1, '2027-05-10+00');
SET ROLE app_owner;
DO $$
DECLARE n integer;
BEGIN
    n := partc.create_partitions('public', 'notes', '2027-04-10');
    ASSERT n > 0, 'partitions created by the owner';
END $$;
RESET ROLE;
DO $$ BEGIN
    ASSERT (SELECT count(*) FROM ONLY public.notes_2027_05) = 1, 'row moved out of the default partition';
    ASSERT (SELECT count(*) FROM ONLY public.notes_default) = 0, 'default partition emptied';
    ASSERT (SELECT relforcerowsecurity FROM pg_class WHERE oid = 'public.notes_default'::regclass), 'FORCE restored on the default partition';
END $$;
DELETE FROM public.notes;
REVOKE CREATE ON SCHEMA public FROM app_owner;
DO $$ BEGIN
    ASSERT NOT has_schema_privilege('authenticated', 'partc', 'USAGE'), 'the runtime is not open to others';
    ASSERT NOT has_function_privilege('authenticated', 'partc.maintain(text, text, timestamptz)', 'EXECUTE'),
        'nor its functions';
END $$;
