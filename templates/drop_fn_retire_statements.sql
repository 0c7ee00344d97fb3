--! Before drop_fn_retention, when fn_retire_statements was made.
DROP FUNCTION {{fn_statements}}(timestamptz);
