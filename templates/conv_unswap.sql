-- The swap back: writes made since the swap are in the old table already;
-- the keys and indexes that take their names on it again:
SELECT {{rt}}.unswap({{schema_lit}}, {{table_name_lit}}, {{names}});
