--! placeholders: table_lit, default_lit, key_lit, unforce.  Inside fn_create_partitions:
--! rows already in the default partition for the new range move out first;
--! forced row-level security is lifted on the default partition meanwhile so
--! that the table owner sees every row (same transaction, restored below).
{{unforce}}            EXECUTE format('CREATE TEMP TABLE partc_moved (LIKE %s)', {{table_lit}}::regclass);
            EXECUTE format('WITH m AS (DELETE FROM %s WHERE %I >= %L AND %I < %L RETURNING *) INSERT INTO pg_temp.partc_moved SELECT * FROM m',
                           {{default_lit}}::regclass, {{key_lit}}, v_lo, {{key_lit}}, v_hi);
