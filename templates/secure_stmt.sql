--! Inside fn_create_partitions.
                PERFORM {{fn_secure}}(v_rel);
