-- Every row of the live table has a partition to go to.
SELECT {{rt}}.range_check({{schema_lit}}, {{table_name_lit}});
