--! placeholders: archive_schema_lit.  An expression inside fn_retention_partitions and
--! fn_retire_statements: the statement that follows the detach of partition r.part.
format('ALTER TABLE %s SET SCHEMA %I', r.part, {{archive_schema_lit}})
