--! placeholders: none.  An expression inside fn_retention_partitions and
--! fn_retire_statements: what follows the detach of partition r.part (nothing).
NULL::text
