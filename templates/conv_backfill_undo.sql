SELECT {{rt}}.backfill_reset({{schema_lit}}, {{table_name_lit}});
