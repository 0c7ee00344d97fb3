{{drop_statements}}DROP FUNCTION {{fn_retention}}({{retention_args}});
