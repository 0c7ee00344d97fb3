--! Closes attempt_begin.
                EXIT;
            EXCEPTION WHEN lock_not_available THEN
                v_try := v_try + 1;
                IF v_nowait <> '' THEN
                    v_why := format('this transaction already holds a lock on %s that others wait for, so it takes no lock it cannot get at once (%s)',
                                    v_table, SQLERRM);
                ELSIF v_try >= 5 THEN
                    v_why := format('%s attempts to lock, each waiting at most %s, failed: another transaction holds a lock on the table or the partition (%s)',
                                    v_try, pg_catalog.current_setting('lock_timeout'), SQLERRM);
                END IF;
            END;
            EXIT WHEN v_why IS NOT NULL;
            PERFORM pg_catalog.pg_sleep(0.05 * 2 ^ v_try);
        END LOOP;
