-- Monthly ranges, premake 2, default warn_ahead (two ranges) and
-- critical_ahead (one range).  Right after maintenance the partitions reach
-- two whole months past the current one, which is what premake 2 promises,
-- yet the health function says WARNING on Dec 31 and Jan 31: it compares
-- (newest bound - p_now), a number of days, with '2 months'::interval, which
-- PostgreSQL compares as 60 days; Jan + Feb and Feb + Mar are 59 days.
\set ON_ERROR_STOP 1
DO $$
DECLARE h record;
BEGIN
    PERFORM partc.create_partitions('public', 'invoices', '2026-12-31 12:00+00');
    SELECT * INTO h FROM partc.partition_health('2026-12-31 12:00+00') WHERE table_name = 'public.invoices';
    ASSERT h.newest_bound = '2027-03-01+00', 'maintained through February: ' || h.newest_bound;
    ASSERT h.status = 'OK', 'health on 2026-12-31 after maintenance: ' || h.status || ' (' || h.ahead || ' ahead)';
    PERFORM partc.create_partitions('public', 'invoices', '2027-01-31 12:00+00');
    SELECT * INTO h FROM partc.partition_health('2027-01-31 12:00+00') WHERE table_name = 'public.invoices';
    ASSERT h.status = 'OK', 'health on 2027-01-31 after maintenance: ' || h.status || ' (' || h.ahead || ' ahead)';
END $$;
