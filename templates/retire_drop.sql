--! An expression inside fn_retention_partitions and fn_retire_statements: the statement that
--! follows the detach of partition r.part.
format('DROP TABLE %s', r.part)