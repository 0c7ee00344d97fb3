--! placeholders: table_lit.  Inside fn_retention_partitions.
        EXECUTE format('ALTER TABLE %s DETACH PARTITION %s', {{table_lit}}::regclass, r.part);
