--! Inside fn_create_partitions, when a step uses v_rel.
    v_rel     regclass;
