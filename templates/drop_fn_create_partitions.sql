DROP FUNCTION {{fn_create}}(timestamptz);
