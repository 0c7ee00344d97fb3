--! Inside fn_create_partitions: v_rel names the new partition.
                v_rel := format('%I.%I', {{schema_lit}}, v_name)::regclass;
