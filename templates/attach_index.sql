CALL {{rt}}.attach_index({{schema_lit}}, {{index_lit}}, {{lock_timeout}});
