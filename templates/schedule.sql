DO ${{tag}}$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron') THEN
        PERFORM cron.schedule({{job_lit}}, {{schedule_lit}}, {{command_lit}});
    ELSE
        RAISE NOTICE 'pg_cron is not installed: run % on the schedule % with your own scheduler',
            {{command_lit}}, {{schedule_lit}};
    END IF;
END
${{tag}}$;
