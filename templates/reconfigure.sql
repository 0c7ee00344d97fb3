--! settings: a literal, the table's row as JSON; the settings a change may touch are taken from it
UPDATE {{rt}}.tables AS t
SET (premake, name_format, warn_ahead, critical_ahead, retention_keep, retention_action, retention_column,
     retention_batch, retention_protect, retention_cutoff_inclusive, archive_schema, security, security_path)
  = (r.premake, r.name_format, r.warn_ahead, r.critical_ahead, r.retention_keep, r.retention_action,
     r.retention_column, r.retention_batch, r.retention_protect, r.retention_cutoff_inclusive, r.archive_schema,
     r.security, r.security_path)
FROM jsonb_populate_record(NULL::{{rt}}.tables, {{settings}}) AS r
WHERE t.schema_name = {{schema_lit}} AND t.table_name = {{table_name_lit}};
