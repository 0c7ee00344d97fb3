SELECT {{rt}}.unschedule({{schema_lit}}, {{table_name_lit}});
