--! placeholders: table_lit, archive_schema_lit.  Inside fn_retention_partitions.
        EXECUTE format('ALTER TABLE %s DETACH PARTITION %s', {{table_lit}}::regclass, r.part);
        EXECUTE format('ALTER TABLE %s SET SCHEMA %I', r.part, {{archive_schema_lit}});
