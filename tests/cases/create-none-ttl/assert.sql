-- strategy none: a plain TTL table; retention deletes rows whose expires_at
-- is older than p_now - keep, in batches of batch_size.
\set ON_ERROR_STOP 1

DO $$ BEGIN
    ASSERT (SELECT relkind FROM pg_class WHERE oid = 'public.login_sessions'::regclass) = 'r', 'login_sessions is a plain table';
    ASSERT NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhparent = 'public.login_sessions'::regclass), 'no partitions';
    ASSERT (SELECT step IS NULL AND retention_action = 'delete' FROM partc.tables
             WHERE schema_name = 'public' AND table_name = 'login_sessions'), 'registered without partitions, retention delete';
    ASSERT has_table_privilege('api_user', 'public.login_sessions', 'SELECT, INSERT, UPDATE, DELETE'), 'grant to api_user';
    ASSERT NOT has_table_privilege('api_user', 'public.login_sessions', 'TRUNCATE'), 'only the granted privileges';
END $$;

-- p_now 2027-01-01 12:00, keep 2 hours: cutoff 10:00
INSERT INTO public.login_sessions (token, user_id, created_at, expires_at)
SELECT 'expired-' || g, g, '2027-01-01 00:00+00', '2027-01-01 09:59:59+00' FROM generate_series(1, 120) g;
INSERT INTO public.login_sessions (token, user_id, created_at, expires_at) VALUES
    ('at-cutoff', 1, '2027-01-01 00:00+00', '2027-01-01 10:00+00'),
    ('grace', 2, '2027-01-01 00:00+00', '2027-01-01 11:00+00'),
    ('live', 3, '2027-01-01 00:00+00', '2027-01-02 00:00+00');

DO $$
DECLARE n bigint;
BEGIN
    n := partc.apply_retention('public', 'login_sessions', '2027-01-01 12:00+00', 1);
    ASSERT n = 50, 'one batch of 50: ' || n;
    n := partc.apply_retention('public', 'login_sessions', '2027-01-01 12:00+00');
    ASSERT n = 70, 'the other 70 in two batches: ' || n;
    ASSERT partc.apply_retention('public', 'login_sessions', '2027-01-01 12:00+00') = 0, 'nothing more';
    ASSERT (SELECT string_agg(token, ',' ORDER BY token) FROM public.login_sessions) = 'at-cutoff,grace,live',
        'rows expired less than 2 hours ago stay';
    n := partc.apply_retention('public', 'login_sessions', '2027-01-01 13:30+00');
    ASSERT n = 2, 'an hour and a half later: ' || n;
    ASSERT (SELECT token FROM public.login_sessions) = 'live', 'live row stays';
END $$;
DELETE FROM public.login_sessions;
