--! placeholders: fn_secure
DROP FUNCTION {{fn_secure}}(regclass);
