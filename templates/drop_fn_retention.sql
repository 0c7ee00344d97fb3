--! placeholders: fn_retention, retention_args, drop_statements
{{drop_statements}}DROP FUNCTION {{fn_retention}}({{retention_args}});
