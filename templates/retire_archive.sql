--! An expression inside fn_retention_partitions and fn_retire_statements: what follows the detach
--! of partition r.part: a comment that marks it as retention's (the rollback names the tables it
--! keeps), then the move.
format('COMMENT ON TABLE %1$s IS %2$L; ALTER TABLE %1$s SET SCHEMA %3$I', r.part,
       'partc: detached from ' || {{table_lit}} || ' by retention', {{archive_schema_lit}})