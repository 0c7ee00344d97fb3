-- Retention for the table: deletes rows whose {{column}} {{older}},
-- in batches of {{batch_size}} rows, at most p_max_batches
-- batches per call (run it on a schedule).  Rows locked by others are skipped
-- and taken on a later run.  Returns the number of rows deleted.
CREATE FUNCTION {{fn_retention}}(p_now timestamptz DEFAULT now(), p_max_batches integer DEFAULT 10)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = {{search_path}}
SET timezone = 'UTC'
SET lock_timeout = {{lock_timeout}}
AS ${{tag}}$
DECLARE
    v_cutoff timestamptz := {{cutoff}};
    v_rows   bigint;
    v_total  bigint := 0::bigint;
BEGIN
    FOR i IN 1 .. p_max_batches LOOP
        DELETE FROM {{table}}
         WHERE ctid = ANY (ARRAY(SELECT ctid FROM {{table}}
                                  WHERE {{column}} {{before}} v_cutoff
                                  LIMIT {{batch_size}}
                                    FOR UPDATE SKIP LOCKED));
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        v_total := v_total + v_rows;
        EXIT WHEN v_rows < {{batch_size}};
    END LOOP;
    RETURN v_total;
END
${{tag}}$;
