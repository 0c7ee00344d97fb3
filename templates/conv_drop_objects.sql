SELECT {{rt}}.sync_mode({{schema_lit}}, {{table_name_lit}}, 'drop');
DROP FUNCTION {{fn_indexes}}(boolean);
DROP FUNCTION {{fn_replay}}(integer);
DROP FUNCTION {{fn_guard}}();
DROP FUNCTION {{fn_reverse}}();
DROP FUNCTION {{fn_forward}}();
DROP FUNCTION {{fn_capture}}();
-- squawk-ignore ban-drop-table
DROP TABLE {{state}};
-- squawk-ignore ban-drop-table
DROP TABLE {{log}};
