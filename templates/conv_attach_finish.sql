--! The conversion's own state table goes with it: squawk's ban-drop-table is silenced for it alone.
-- squawk-ignore ban-drop-table
DROP TABLE {{state}};
