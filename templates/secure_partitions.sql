SELECT {{rt}}.secure_partition({{schema_lit}}, {{table_name_lit}}, i.inhrelid::regclass)
  FROM pg_catalog.pg_inherits i
 WHERE i.inhparent = {{table_lit}}::regclass
 ORDER BY i.inhrelid;
