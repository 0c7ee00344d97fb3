--! On each partition, NOT VALID (PostgreSQL before 18 refuses it on the partitioned table): new and
--! changed rows are checked from now on, no existing one under these locks.
SELECT {{rt}}.partition_foreign_key({{table_lit}}::regclass, 'add', {{constraint_lit}},
    {{columns_arr}}, {{ref_lit}}::regclass, {{ref_columns_arr}}, {{on_delete_lit}});
