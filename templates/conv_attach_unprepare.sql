--! The conversion's own state table goes with it: squawk's ban-drop-table is silenced for it alone.
ALTER TABLE {{table}} DROP CONSTRAINT IF EXISTS {{bound}};
-- squawk-ignore ban-drop-table
DROP TABLE {{state}};
