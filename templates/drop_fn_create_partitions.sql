--! placeholders: fn_create
DROP FUNCTION {{fn_create}}(timestamptz);
