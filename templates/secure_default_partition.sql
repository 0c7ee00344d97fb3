SELECT {{rt}}.secure_partition({{schema_lit}}, {{table_name_lit}}, {{partition_lit}}::regclass);
