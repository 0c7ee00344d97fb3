SELECT {{rt}}.partition_foreign_key({{table_lit}}::regclass, 'drop', {{constraint_lit}});
