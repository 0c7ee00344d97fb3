--! placeholders: fn_secure, partition_lit
SELECT {{fn_secure}}({{partition_lit}}::regclass);
