--! placeholders: none.  Inside fn_retention_partitions.
        EXECUTE format('DROP TABLE %s', r.part);
