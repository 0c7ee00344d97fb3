-- maintenance.schedule without pg_cron in this database: the migration ran
-- (the scheduling step only raised a NOTICE) and created everything.
\set ON_ERROR_STOP 1

DO $$ BEGIN
    ASSERT NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron'), 'this case runs without pg_cron';
    ASSERT to_regclass('public.api_metrics') IS NOT NULL, 'the table exists';
    ASSERT (SELECT relkind FROM pg_class WHERE oid = 'public.api_metrics'::regclass) = 'p', 'partitioned';
    ASSERT to_regclass('public.api_metrics_20261125') IS NOT NULL, 'static partitions through --as-of + premake';
    ASSERT EXISTS (SELECT 1 FROM partc.tables WHERE schema_name = 'public' AND table_name = 'api_metrics'
                                                  AND retention_action = 'drop'), 'registered with the runtime, with retention';
END $$;

-- what the NOTICE tells one to run on the schedule works as given
SELECT * FROM partc.maintain('public', 'api_metrics');
DO $$
DECLARE h record;
BEGIN
    SELECT * INTO h FROM partc.partition_health WHERE table_name = 'public.api_metrics';
    ASSERT h.last_run IS NOT NULL AND h.last_error IS NULL, 'the maintenance is recorded';
    ASSERT h.status = 'OK', 'health after the maintenance command: ' || h.status;
END $$;
