SELECT {{rt}}.schedule({{schema_lit}}, {{table_name_lit}}, {{schedule_lit}});
