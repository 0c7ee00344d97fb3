-- maintenance.schedule without pg_cron in this database: the migration ran
-- (the scheduling step only raised a NOTICE) and created everything.
\set ON_ERROR_STOP 1

DO $$ BEGIN
    ASSERT NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron'), 'this case runs without pg_cron';
    ASSERT to_regclass('public.api_metrics') IS NOT NULL, 'the table exists';
    ASSERT (SELECT relkind FROM pg_class WHERE oid = 'public.api_metrics'::regclass) = 'p', 'partitioned';
    ASSERT to_regclass('public.api_metrics_20261125') IS NOT NULL, 'static partitions through --as-of + premake';
    ASSERT to_regprocedure('public.api_metrics_create_partitions(timestamptz)') IS NOT NULL
       AND to_regprocedure('public.api_metrics_apply_retention(timestamptz)') IS NOT NULL, 'maintenance functions exist';
END $$;

-- what the NOTICE tells one to run on the schedule works as given
SELECT public.api_metrics_create_partitions(); SELECT public.api_metrics_apply_retention();
DO $$
DECLARE h record;
BEGIN
    SELECT * INTO h FROM public.api_metrics_partition_health_now;
    ASSERT h.status = 'OK', 'health after the maintenance command: ' || h.status;
END $$;
