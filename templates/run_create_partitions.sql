SELECT {{rt}}.create_partitions({{schema_lit}}, {{table_name_lit}});
