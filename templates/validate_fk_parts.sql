--! Each partition's key, validated: SHARE UPDATE EXCLUSIVE on it while every row is read (writers go on).
SELECT {{rt}}.partition_foreign_key({{table_lit}}::regclass, 'validate', {{constraint_lit}});
