DROP TRIGGER {{fill_trigger}} ON {{ref}};
DROP FUNCTION {{fill_fn}}();
-- squawk-ignore ban-drop-column
ALTER TABLE {{ref}} DROP COLUMN {{column}};
