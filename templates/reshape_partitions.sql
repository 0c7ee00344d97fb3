SELECT {{rt}}.reshape_partitions({{schema_lit}}, {{table_name_lit}}, {{as_of_lit}});
