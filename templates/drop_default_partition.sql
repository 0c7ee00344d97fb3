--! The partitioned table first, as a writer locks it; then refused while the default partition
--! holds rows (they would be lost): add the partitions for them first.
LOCK TABLE {{table}} IN ACCESS EXCLUSIVE MODE;
-- forced row-level security would hide rows from the check below (this
-- transaction drops the partition, or changes nothing)
ALTER TABLE {{partition}} NO FORCE ROW LEVEL SECURITY;
DO ${{tag}}$
BEGIN
    IF EXISTS (SELECT 1 FROM {{partition}}) THEN
        RAISE EXCEPTION 'partc: % holds rows: removing it would lose them', {{partition_lit}}
            USING HINT = 'add partitions for those rows (or move them) first, then apply this migration again';
    END IF;
END
${{tag}}$;
DROP TABLE {{partition}};
