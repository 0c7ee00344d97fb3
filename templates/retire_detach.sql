--! An expression inside fn_retention_partitions and fn_retire_statements: what follows the detach
--! of partition r.part, a comment that marks it as retention's (the rollback names the tables it
--! keeps).
format('COMMENT ON TABLE %s IS %L', r.part, 'partc: detached from ' || {{table_lit}} || ' by retention')