-- After the swap the trigger fills the column only where the row does not
-- give it: a given one the foreign key itself checks (with the key of the
-- partitioned table); one left out is read from the referenced row, in
-- every partition (so an application that gives it saves that read).
CREATE OR REPLACE FUNCTION {{fill_fn}}()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = {{search_path}}
-- one plan for every row: planned each time, its lookup in a partitioned
-- table would cost more than it does
SET plan_cache_mode = force_generic_plan
AS ${{tag}}$
DECLARE
    v_key {{key_type}};
    v_n   integer := 0;
    r     record;
BEGIN
    IF {{new_fk_null}} THEN
        NEW.{{column}} := NULL;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.{{column}} IS NOT DISTINCT FROM OLD.{{column}} THEN
        IF {{fk_unchanged}} THEN
            RETURN NEW;
        END IF;
        NEW.{{column}} := NULL;
    END IF;
    IF NEW.{{column}} IS NOT NULL THEN
        RETURN NEW;
    END IF;
    FOR r IN SELECT x.{{key}} AS k FROM {{table}} x WHERE {{match_x_new}} LIMIT 2 LOOP
        v_n := v_n + 1;
        v_key := r.k;
    END LOOP;
{{fill_found}}END
${{tag}}$;
