-- Refused before keep_old has passed since the swap, unless the session
-- says SET partc.cleanup_now = on.
SELECT {{rt}}.cleanup_ready({{schema_lit}}, {{table_name_lit}}, {{keep_old}}::interval);
