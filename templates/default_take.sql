--! Inside fn_create_partitions: rows already in the default partition for the new range move out
--! first; forced row-level security is lifted on the default partition meanwhile so that the table
--! owner sees every row (same transaction, restored below).
{{unforce}}                -- rows referenced by foreign keys cannot be moved without firing the
                -- keys' ON DELETE actions: stop and let a person decide
                IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE contype = 'f' AND confrelid = {{table_lit}}::regclass) THEN
                    DECLARE
                        v_busy boolean;
                    BEGIN
                        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE %I >= %L AND %I < %L)',
                                       {{default_lit}}::regclass, {{key_lit}}, v_lo, {{key_lit}}, v_hi) INTO v_busy;
                        IF v_busy THEN
                            RAISE EXCEPTION 'the default partition of % holds rows from % to %, and foreign keys reference the table', {{table_lit}}, v_lo, v_hi
                                USING HINT = 'move those rows by hand (they would fire ON DELETE actions), then run the function again';
                        END IF;
                    END;
                END IF;
                EXECUTE format('CREATE TEMP TABLE partc_moved (LIKE %s)', {{table_lit}}::regclass);
                EXECUTE format('WITH m AS (DELETE FROM %s WHERE %I >= %L AND %I < %L RETURNING *) INSERT INTO pg_temp.partc_moved SELECT * FROM m',
                               {{default_lit}}::regclass, {{key_lit}}, v_lo, {{key_lit}}, v_hi);
