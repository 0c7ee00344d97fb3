-- keep 0: a row whose expires_at is at or before p_now is deleted, a later one stays.
\set ON_ERROR_STOP 1
INSERT INTO public.sessions (expires_at) VALUES
    ('2030-01-01 11:59:59+00'), ('2030-01-01 12:00:00+00'), ('2029-06-01 00:00:00+00'),
    ('2030-01-01 12:00:01+00'), ('2031-01-01 00:00:00+00');
DO $$
BEGIN
    ASSERT partc.apply_retention('public', 'sessions', '2030-01-01 12:00:00+00', 1) = 2, 'one batch of 2';
    ASSERT partc.apply_retention('public', 'sessions', '2030-01-01 12:00:00+00') = 1, 'the rest';
    ASSERT (SELECT array_agg(expires_at ORDER BY expires_at) FROM public.sessions)
           = ARRAY['2030-01-01 12:00:01+00', '2031-01-01 00:00:00+00']::timestamptz[],
           'rows that have not expired stay';
END $$;
DELETE FROM public.sessions;
