-- {{ref}} gets {{column}}, the {{key}} of the row of {{table}} that each
-- of its rows references (a new column without a default: no row is
-- rewritten).
ALTER TABLE {{ref}} ADD COLUMN {{column}} {{key_type}};

{{fill_function}}
CREATE TRIGGER {{fill_trigger}} BEFORE INSERT OR UPDATE OF {{fk_cols}}, {{column}} ON {{ref}}
    FOR EACH ROW EXECUTE FUNCTION {{fill_fn}}();
ALTER TABLE {{ref}} ENABLE ALWAYS TRIGGER {{fill_trigger}};
