--! Used by rollbacks (the table their up created) and by a conversion's cleanup (the old table,
--! after keep_old): squawk's ban-drop-table is expected there and silenced for this statement
--! alone.
-- squawk-ignore ban-drop-table
DROP TABLE {{table}};
