SELECT {{rt}}.sync_mode({{schema_lit}}, {{table_name_lit}}, 'capture');
