SELECT {{rt}}.notice_detached({{schema_lit}}, {{table_name_lit}});
