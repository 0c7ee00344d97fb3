-- strategy brin: a plain table with a BRIN index on the key; retention
-- deletes rows in batches and never touches the current and previous month
-- (protect 2), even with keep: 1 day.
\set ON_ERROR_STOP 1

DO $$ BEGIN
    ASSERT (SELECT relkind FROM pg_class WHERE oid = 'public.page_clicks'::regclass) = 'r', 'page_clicks is a plain table';
    ASSERT (SELECT count(*)
              FROM pg_index i
              JOIN pg_class ic ON ic.oid = i.indexrelid
              JOIN pg_am am ON am.oid = ic.relam
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
             WHERE i.indrelid = 'public.page_clicks'::regclass
               AND am.amname = 'brin' AND i.indnatts = 1 AND a.attname = 'clicked_at'
               AND ic.relname = 'page_clicks_clicked_at_brin') = 1, 'BRIN index on clicked_at';
END $$;

-- p_now 2027-03-10: keep alone would delete everything before 2027-03-09;
-- protect 2 keeps March and February
INSERT INTO public.page_clicks (page, clicked_at)
SELECT 'old', '2027-01-01 00:00+00'::timestamptz + g * interval '1 minute' FROM generate_series(1, 249) g;
INSERT INTO public.page_clicks (page, clicked_at) VALUES
    ('old', '2027-01-31 23:59:59.999999+00'),
    ('previous', '2027-02-01 00:00+00'),
    ('previous', '2027-02-15 00:00+00'),
    ('current', '2027-03-01 00:00+00'),
    ('current', '2027-03-08 00:00+00'),
    ('current', '2027-03-10 00:00+00');

DO $$
DECLARE n bigint;
BEGIN
    n := partc.apply_retention('public', 'page_clicks', '2027-03-10', 2);
    ASSERT n = 200, 'two batches of 100: ' || n;
    n := partc.apply_retention('public', 'page_clicks', '2027-03-10');
    ASSERT n = 50, 'the rest of January: ' || n;
    ASSERT partc.apply_retention('public', 'page_clicks', '2027-03-10') = 0, 'nothing more to delete';
    ASSERT NOT EXISTS (SELECT 1 FROM public.page_clicks WHERE page = 'old'), 'January deleted';
    ASSERT (SELECT count(*) FROM public.page_clicks WHERE page = 'previous') = 2, 'previous month protected';
    ASSERT (SELECT count(*) FROM public.page_clicks WHERE page = 'current') = 3, 'current month protected';

    -- a month later February is no longer protected; March still is
    n := partc.apply_retention('public', 'page_clicks', '2027-04-02');
    ASSERT n = 2, 'February deleted on 2027-04-02: ' || n;
    ASSERT (SELECT count(*) FROM public.page_clicks) = 3, 'March kept on 2027-04-02';

    -- once both protected months are past, keep (1 day) decides
    n := partc.apply_retention('public', 'page_clicks', '2027-06-01');
    ASSERT n = 3, 'March deleted on 2027-06-01: ' || n;
END $$;
DELETE FROM public.page_clicks;
