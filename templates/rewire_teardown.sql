{{drop_triggers}}DROP FUNCTION {{fn_key_follow}}();
DROP FUNCTION {{fn_key_lock}}();
-- squawk-ignore ban-drop-table
DROP TABLE {{rewire}};
