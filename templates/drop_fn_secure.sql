DROP FUNCTION {{fn_secure}}(regclass);
