-- Drops (false) or builds (true) the shadow's keys and indexes.  The copy
-- runs without them and builds each once at the end, which is faster than
-- keeping them up to date row by row.
CREATE FUNCTION {{fn_indexes}}(p_build boolean)
RETURNS void
LANGUAGE plpgsql
SET search_path = {{search_path}}
AS ${{tag}}$
BEGIN
    IF p_build THEN
{{build_keys}}    ELSE
{{drop_keys}}    END IF;
END
${{tag}}$;

-- Undoes the backfill: the shadow is emptied and its keys rebuilt, the sync
-- trigger records keys again.  Refused after the swap.
CREATE FUNCTION {{fn_reset}}()
RETURNS void
LANGUAGE plpgsql
SET search_path = {{search_path}}
AS ${{tag}}$
BEGIN
    IF (SELECT s.phase FROM {{state}} s) = 'swapped' THEN
        RAISE EXCEPTION 'partc: % has been swapped; roll the swap back first', {{table_lit}};
    END IF;
    PERFORM pg_catalog.set_config('lock_timeout', {{migrate_lock_timeout}}, true);
    LOCK TABLE {{table}} IN SHARE ROW EXCLUSIVE MODE;
    PERFORM {{fn_mode}}('capture');
    TRUNCATE {{shadow}};
    PERFORM {{fn_indexes}}(true);
    TRUNCATE {{log}};
    UPDATE {{state}} SET phase = 'new', next_page = 0, rows_copied = 0, filenode = NULL,
                         started_at = NULL, finished_at = NULL;
END
${{tag}}$;

-- Starts each transaction of the backfill: a pinned search_path and the
-- lock that keeps a second backfill of the table out.  (No SET clause: its
-- settings must outlive the call.)
CREATE FUNCTION {{fn_begin}}()
RETURNS void
LANGUAGE plpgsql
AS ${{tag}}$
BEGIN
    PERFORM pg_catalog.set_config('search_path', {{search_path_lit}}, true);
    IF pg_catalog.current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'partc: the backfill must run in READ COMMITTED transactions';
    END IF;
    IF NOT pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtextextended({{table_lit}} || ' backfill', 0)) THEN
        RAISE EXCEPTION 'partc: another session is running the backfill of %', {{table_lit}};
    END IF;
    -- rows are copied whole: a column added, dropped or changed on either
    -- table since prepare would shift them
    IF pg_catalog.to_regclass({{shadow_lit}}) IS NULL THEN
        RETURN;
    END IF;
{{columns_check}}END
${{tag}}$;

-- The backfill: copies the table into the shadow in batches of about
-- p_batch_rows rows, one transaction each, by ranges of heap pages; builds
-- the keys and indexes; applies the sync log; then, under a short lock that
-- holds writers back, switches the trigger to mirroring and checks that both
-- tables hold the same number of rows.  Interrupted, it resumes where the
-- last committed batch ended.  Run it with CALL, outside a transaction block.
-- With settings.statement_timeout, a batch that takes more than a quarter of
-- it makes the next ones smaller (a SET inside a procedure cannot time its
-- transactions: the session's statement_timeout times the whole CALL).
CREATE PROCEDURE {{proc_backfill}}(p_batch_rows integer DEFAULT {{batch_size}},
                                   p_pause interval DEFAULT {{batch_pause}})
LANGUAGE plpgsql
AS ${{tag}}$
DECLARE
    v_st     {{state}};
    v_pages  bigint;
    v_hi     bigint;
    v_n      bigint;
    v_t0     timestamptz := clock_timestamp();
    v_said   timestamptz := clock_timestamp();
    v_tries  integer := 0;
    v_ok     boolean;
    v_a      bigint;
    v_b      bigint;
    v_limit  interval := {{statement_timeout_iv}};
    v_b0     timestamptz;
    v_next   bigint;
BEGIN
    IF pg_catalog.current_setting('statement_timeout') <> '0' THEN
        RAISE NOTICE 'partc: statement_timeout is %: the backfill stops then; call it again to resume, or SET statement_timeout = 0 first',
            pg_catalog.current_setting('statement_timeout');
    END IF;
    -- every transaction of the backfill is READ COMMITTED: each statement
    -- must see what writers committed before it (and COMMIT here refuses a
    -- call inside a transaction block)
    COMMIT;
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
    PERFORM {{fn_begin}}();
    IF p_batch_rows < 1 THEN
        RAISE EXCEPTION 'partc: p_batch_rows must be at least 1';
    END IF;
    SELECT * INTO v_st FROM {{state}};
    IF v_st.phase IN ('done', 'swapped') THEN
        RAISE NOTICE 'partc: the backfill of % is complete already', {{table_lit}};
        RETURN;
    END IF;
    IF v_st.phase <> 'new' THEN
        RAISE NOTICE 'partc: resuming the backfill of % (phase %, % rows copied)', {{table_lit}}, v_st.phase, v_st.rows_copied;
    END IF;

    LOOP
        SELECT * INTO v_st FROM {{state}};
        EXIT WHEN v_st.phase NOT IN ('new', 'copy');
        IF v_st.phase = 'new' THEN
            -- start from an empty shadow without keys; what is in the log
            -- now is in the table too
            TRUNCATE {{shadow}};
            DELETE FROM {{log}};
            PERFORM {{fn_indexes}}(false);
            UPDATE {{state}} SET phase = 'copy', next_page = 0, rows_copied = 0,
                   filenode = pg_catalog.pg_relation_filenode({{table_lit}}::regclass),
                   batch_pages = greatest(1, ceil(p_batch_rows / greatest(1.0,
                       (SELECT CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN c.reltuples / c.relpages ELSE 50 END
                          FROM pg_catalog.pg_class c WHERE c.oid = {{table_lit}}::regclass))))::bigint,
                   started_at = clock_timestamp();
            COMMIT;
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
            PERFORM {{fn_begin}}();
            CONTINUE;
        END IF;
        IF pg_catalog.pg_relation_filenode({{table_lit}}::regclass) IS DISTINCT FROM v_st.filenode THEN
            RAISE NOTICE 'partc: % was rewritten (VACUUM FULL, CLUSTER or ALTER TABLE): copying again from the start',
                {{table_lit}};
            UPDATE {{state}} SET phase = 'new';
            COMMIT;
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
            PERFORM {{fn_begin}}();
            CONTINUE;
        END IF;
        v_pages := pg_catalog.pg_relation_size({{table_lit}}::regclass)
                   / pg_catalog.current_setting('block_size')::bigint;
        IF v_st.next_page >= v_pages THEN
            UPDATE {{state}} SET phase = 'index';
            COMMIT;
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
            PERFORM {{fn_begin}}();
            RAISE NOTICE 'partc: % copied: % rows in % s', {{table_lit}}, v_st.rows_copied,
                round(extract(epoch FROM clock_timestamp() - v_t0)::numeric, 1);
            EXIT;
        END IF;
        PERFORM pg_catalog.set_config('synchronous_commit', 'off', true);
        v_hi := least(v_st.next_page + v_st.batch_pages, v_pages);
        v_b0 := clock_timestamp();
        INSERT INTO {{shadow}} OVERRIDING SYSTEM VALUE
        SELECT o.* FROM {{table}} o
         WHERE o.ctid >= pg_catalog.format('(%s,0)', v_st.next_page)::tid
           AND o.ctid < pg_catalog.format('(%s,0)', v_hi)::tid
           AND NOT EXISTS (SELECT 1 FROM {{log}} l WHERE {{ident_match_l_o}});
        GET DIAGNOSTICS v_n = ROW_COUNT;
        v_next := CASE WHEN v_n = 0 THEN v_st.batch_pages * 2
                       ELSE greatest(1, least(v_st.batch_pages * 4,
                            ceil(v_st.batch_pages * p_batch_rows::numeric / v_n)::bigint)) END;
        IF v_limit > interval '0' AND clock_timestamp() - v_b0 > v_limit / 4 THEN
            v_next := least(v_next, greatest(1, floor(v_st.batch_pages * extract(epoch FROM v_limit / 4)
                                                       / extract(epoch FROM clock_timestamp() - v_b0))::bigint));
        END IF;
        UPDATE {{state}}
           SET next_page = v_hi, rows_copied = rows_copied + v_n, batch_pages = v_next;
        COMMIT;
        SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
        PERFORM {{fn_begin}}();
        IF clock_timestamp() - v_said >= interval '5 seconds' THEN
            v_said := clock_timestamp();
            RAISE NOTICE 'partc: % backfill: % rows, % %% of the pages, % rows/s', {{table_lit}},
                v_st.rows_copied + v_n, round(100.0 * v_hi / greatest(v_pages, 1), 1),
                round((v_st.rows_copied + v_n) / greatest(extract(epoch FROM clock_timestamp() - v_t0), 0.001));
        END IF;
        IF p_pause > interval '0' THEN
            PERFORM pg_catalog.pg_sleep_for(p_pause);
        END IF;
    END LOOP;

    SELECT * INTO v_st FROM {{state}};
    IF v_st.phase = 'index' THEN
        RAISE NOTICE 'partc: building the keys and indexes of %', {{shadow_lit}};
        PERFORM {{fn_indexes}}(true);
        UPDATE {{state}} SET phase = 'replay';
        COMMIT;
        SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
        PERFORM {{fn_begin}}();
        v_st.phase := 'replay';
    END IF;

    IF v_st.phase = 'replay' THEN
        -- rows written during the copy, until less than a batch is left
        LOOP
            PERFORM pg_catalog.set_config('synchronous_commit', 'off', true);
            v_n := {{fn_replay}}(p_batch_rows);
            COMMIT;
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
            PERFORM {{fn_begin}}();
            EXIT WHEN v_n < p_batch_rows;
        END LOOP;
        UPDATE {{state}} SET phase = 'switch';
        COMMIT;
        SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
        PERFORM {{fn_begin}}();
        v_st.phase := 'switch';
    END IF;

    IF v_st.phase = 'switch' THEN
        -- the last entries and the switch to mirroring, with writers held
        -- back for as long as that takes
        LOOP
            v_ok := false;
            BEGIN
                PERFORM pg_catalog.set_config('lock_timeout', {{migrate_lock_timeout}}, true);
                LOCK TABLE {{table}} IN SHARE ROW EXCLUSIVE MODE;
                LOOP
                    EXIT WHEN {{fn_replay}}(1000000) = 0;
                END LOOP;
                PERFORM {{fn_mode}}('forward');
                UPDATE {{state}} SET phase = 'verify';
                v_ok := true;
            EXCEPTION WHEN lock_not_available THEN
                v_tries := v_tries + 1;
                IF v_tries >= 30 THEN
                    RAISE EXCEPTION 'partc: could not lock % for the switch to mirroring in % tries', {{table_lit}}, v_tries
                        USING HINT = 'call the backfill again when the table is less busy; it resumes here';
                END IF;
                RAISE NOTICE 'partc: % is busy, trying again (% of 30)', {{table_lit}}, v_tries;
            END;
            COMMIT;
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
            PERFORM {{fn_begin}}();
            EXIT WHEN v_ok;
            v_n := {{fn_replay}}(p_batch_rows);
            COMMIT;
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
            PERFORM {{fn_begin}}();
            PERFORM pg_catalog.pg_sleep(1);
        END LOOP;
        v_st.phase := 'verify';
    END IF;

    IF v_st.phase = 'verify' THEN
        -- every write since the switch reached both tables in one
        -- transaction, so one snapshot sees the same count in both
        SELECT (SELECT count(*) FROM {{table}}), (SELECT count(*) FROM {{shadow}}) INTO v_a, v_b;
        IF v_a <> v_b THEN
            RAISE EXCEPTION 'partc: the backfill of % does not verify: % rows in the table, % in %',
                {{table_lit}}, v_a, v_b, {{shadow_lit}}
                USING HINT = 'roll the backfill back (its down migration) and run it again';
        END IF;
        ANALYZE {{shadow}};
        UPDATE {{state}} SET phase = 'done', finished_at = clock_timestamp();
        COMMIT;
        RAISE NOTICE 'partc: the backfill of % is done: % rows in both tables', {{table_lit}}, v_a;
    END IF;
END
${{tag}}$;
