--! security_lit: the security of the spec before the change, as the runtime's row held it.
SELECT {{rt}}.unsecure_partition(i.inhrelid::regclass, {{security_lit}})
  FROM pg_catalog.pg_inherits i
 WHERE i.inhparent = {{table_lit}}::regclass
 ORDER BY i.inhrelid;
