-- Until the swap the trigger of {{column}} fills it in every row written,
-- from the referenced row, read under FOR KEY SHARE as the foreign key reads
-- it; a row that references no row fails as the foreign key fails.  A value
-- given with the row must be the referenced row's.
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
        NEW.{{column}} := NULL;
    END IF;
    FOR r IN SELECT x.{{key}} AS k FROM {{table}} x
              WHERE {{match_x_new}} AND (NEW.{{column}} IS NULL OR x.{{key}} = NEW.{{column}})
              LIMIT 2 FOR KEY SHARE OF x LOOP
        v_n := v_n + 1;
        v_key := r.k;
    END LOOP;
{{fill_found}}END
${{tag}}$;
