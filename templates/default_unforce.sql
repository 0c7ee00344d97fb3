--! Inside fn_create_partitions, for tables with row-level security.
                EXECUTE format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', {{default_lit}}::regclass);
