SELECT {{fn_mode}}('drop');
DROP PROCEDURE {{proc_backfill}}(integer, interval);
DROP FUNCTION {{fn_reset}}();
DROP FUNCTION {{fn_begin}}();
DROP FUNCTION {{fn_indexes}}(boolean);
DROP FUNCTION {{fn_replay}}(integer);
DROP FUNCTION {{fn_mode}}(text);
DROP FUNCTION {{fn_guard}}();
DROP FUNCTION {{fn_reverse}}();
DROP FUNCTION {{fn_forward}}();
DROP FUNCTION {{fn_capture}}();
-- squawk-ignore ban-drop-table
DROP TABLE {{state}};
-- squawk-ignore ban-drop-table
DROP TABLE {{log}};
