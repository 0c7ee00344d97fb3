--! placeholders: table_lit.  Inside fn_create_partitions: the moved rows go
--! back through the parent, into the new partition.
            EXECUTE format('INSERT INTO %s OVERRIDING SYSTEM VALUE SELECT * FROM pg_temp.partc_moved', {{table_lit}}::regclass);
            DROP TABLE pg_temp.partc_moved;
