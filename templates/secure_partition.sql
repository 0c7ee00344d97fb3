SELECT {{fn_secure}}({{partition_lit}}::regclass);
