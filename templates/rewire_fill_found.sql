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
