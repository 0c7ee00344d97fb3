-- The swap back: the partition is detached and is the table again; rows
-- written since the swap from the cutover on move back into it.  The keys
-- and indexes that take their names on it again:
SELECT {{rt}}.attach_unswap({{schema_lit}}, {{table_name_lit}}, {{names}});
