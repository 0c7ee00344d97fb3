-- The swap: ACCESS EXCLUSIVE on both tables, each attempt waiting at most
-- lock_timeout (5 attempts), for catalog changes only; no row is read or
-- copied.  The keys and indexes that take their names on the partitioned
-- table:
SELECT {{rt}}.attach_swap({{schema_lit}}, {{table_name_lit}}, {{names}});
