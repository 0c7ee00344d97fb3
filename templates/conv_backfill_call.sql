CALL {{rt}}.backfill({{schema_lit}}, {{table_name_lit}});
