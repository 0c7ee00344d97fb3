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
    IF v_n = 0 THEN
        RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint %', TG_TABLE_NAME, {{constraint_lit}}
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Key (%s)=(%s) is not present in table %s.', {{fk_names_lit}}, {{new_fk_text}},
                                  {{table_lit}});
    ELSIF v_n > 1 THEN
        RAISE EXCEPTION 'partc: more than one row of % has (%) = (%)', {{table_lit}}, {{ref_names_lit}}, {{new_fk_text}}
            USING ERRCODE = 'cardinality_violation',
                  HINT = format('give %s the %s of the row meant', {{column_lit}}, {{key_lit}});
    END IF;
    NEW.{{column}} := v_key;
    RETURN NEW;
END
${{tag}}$;
