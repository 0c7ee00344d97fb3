DELETE FROM {{rt}}.tables WHERE schema_name = {{schema_lit}} AND table_name = {{table_name_lit}};
