--! placeholders: fn_retention, retention_args
DROP FUNCTION {{fn_retention}}({{retention_args}});
