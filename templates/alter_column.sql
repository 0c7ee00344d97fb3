--! action: TYPE ..., SET DEFAULT ..., DROP DEFAULT, SET NOT NULL or DROP NOT NULL
ALTER TABLE {{table}} ALTER COLUMN {{column}} {{action}};
