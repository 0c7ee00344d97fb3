--! Inside fn_create_partitions and fn_retention_partitions, followed by the statements of one step
--! (its LOCK TABLE statements first, each ending with v_nowait) and attempt_end: the step runs in a
--! subtransaction, so that an attempt that fails on a lock releases every lock it took.  While the
--! transaction holds no lock on v_table that readers or writers wait for, an attempt waits at most
--! the function's lock_timeout, and up to 5 attempts are made with pauses of 0.1, 0.2, 0.4 and 0.8
--! s in which nothing is held; once it holds one (an earlier step, or the caller's transaction),
--! one attempt that takes only what it can get at once (NOWAIT).  Sets v_why when it gives up.
        v_try := 0;
        LOOP
            v_nowait := CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_locks l
                                           WHERE l.locktype = 'relation' AND l.pid = pg_catalog.pg_backend_pid()
                                             AND l.relation = v_table AND l.granted
                                             AND l.mode NOT IN ('AccessShareLock', 'RowShareLock', 'RowExclusiveLock'))
                             THEN ' NOWAIT' ELSE '' END;
            BEGIN
