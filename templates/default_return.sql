--! Inside fn_create_partitions: the moved rows go into the new partition, before it is secured.
                EXECUTE format('INSERT INTO %s OVERRIDING SYSTEM VALUE SELECT * FROM pg_temp.partc_moved', v_rel);
                DROP TABLE pg_temp.partc_moved;
{{reforce}}