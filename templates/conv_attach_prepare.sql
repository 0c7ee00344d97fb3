--! method attach: the state, the checks of the cutover, and the bound the table keeps until the swap.
-- Where the conversion stands (nothing is copied: the table becomes the
-- partition of every row before the cutover).
{{state_table}}
-- The cutover is more than a day ahead, and every row lies before it.
SELECT {{rt}}.attach_check({{schema_lit}}, {{table_name_lit}});
-- From here until the swap the table refuses rows from the cutover on
-- (they belong to the partitions after it).  NOT VALID: no row is read now;
-- the backfill validates it while writers go on.
ALTER TABLE {{table}}
    ADD CONSTRAINT {{bound}} CHECK ({{key}} >= {{lower}} AND {{key}} < {{cutover}}) NOT VALID;
