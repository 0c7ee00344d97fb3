-- The swap, under ACCESS EXCLUSIVE on both tables for catalog changes only;
-- the keys and indexes that take their names on the new table:
SELECT {{rt}}.swap({{schema_lit}}, {{table_name_lit}}, {{names}});
