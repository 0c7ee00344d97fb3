CALL {{rt}}.backfill_start({{schema_lit}}, {{table_name_lit}});
