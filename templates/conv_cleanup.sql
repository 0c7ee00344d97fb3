-- Cleanup: the old table and everything that kept it in step go.  Refused
-- before keep_old has passed since the swap, unless the session says
-- SET partc.cleanup_now = on.
DO ${{tag}}$
DECLARE
    v_at timestamptz := (SELECT s.swapped_at FROM {{state}} s);
BEGIN
    IF (SELECT s.phase FROM {{state}} s) IS DISTINCT FROM 'swapped' THEN
        RAISE EXCEPTION 'partc: % is not swapped; apply the swap first', {{table_lit}};
    END IF;
    IF now() < v_at + {{keep_old}}::interval
       AND coalesce(current_setting('partc.cleanup_now', true), '') <> 'on' THEN
        RAISE EXCEPTION 'partc: % is kept until % (migrate.keep_old %)', {{old_lit}}, v_at + {{keep_old}}::interval, {{keep_old}}
            USING HINT = 'apply this migration after that time, or SET partc.cleanup_now = on in the session to drop it now';
    END IF;
END
${{tag}}$;
