--! The runtime's functions and views, as the current partc writes them: expanded into the first
--! runtime migration (runtime.sql) and into an upgrade (runtime_upgrade.sql).  Every function runs
--! as its caller (SECURITY INVOKER), pins its search_path, quotes every name it builds into SQL
--! with format('%I'), %L or a regclass, and grants nothing to PUBLIC.
-- The registered row of a table, locked against concurrent changes of it.
CREATE FUNCTION {{rt}}.table_of(p_schema text, p_table text)
RETURNS {{rt}}.tables
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v {{rt}}.tables;
BEGIN
    SELECT * INTO v FROM {{rt}}.tables t WHERE t.schema_name = p_schema AND t.table_name = p_table;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table %.% is not registered with the partc runtime', quote_ident(p_schema), quote_ident(p_table)
            USING HINT = 'apply the migration that creates or converts it first';
    END IF;
    RETURN v;
END
${{tag}}$;

-- The range partitions of a relation and their bounds (TimeZone UTC).
CREATE FUNCTION {{rt}}.bounds(p_rel regclass)
RETURNS TABLE (part regclass, lower_bound timestamptz, upper_bound timestamptz)
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS ${{tag}}$
    SELECT c.oid::regclass,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']*)''\)'))[1]::timestamptz,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']*)''\)'))[1]::timestamptz
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = p_rel
       AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
${{tag}}$;

-- Applies the table's row-level security, policies and grants, as registered,
-- to one of its partitions: PostgreSQL does not carry them from a partitioned
-- table to its partitions.  Policy expressions are the spec's SQL, read with
-- the search_path the table's own policies were created with.
CREATE FUNCTION {{rt}}.secure_partition(p_schema text, p_table text, p_rel regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v   {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    p   record;
    g   record;
    v_roles text;
BEGIN
    PERFORM pg_catalog.set_config('search_path', v.security_path, true);
    IF coalesce((v.security ->> 'rls')::boolean, false) THEN
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', p_rel);
        EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', p_rel);
    END IF;
    FOR p IN SELECT * FROM jsonb_to_recordset(coalesce(v.security -> 'policies', '[]'))
                 AS x(name text, command text, roles text[], "using" text, "check" text)
    LOOP
        IF p.command NOT IN ('ALL', 'SELECT', 'INSERT', 'UPDATE', 'DELETE') THEN
            RAISE EXCEPTION 'policy % of %.%: command % is not one of ALL, SELECT, INSERT, UPDATE, DELETE',
                quote_ident(p.name), quote_ident(p_schema), quote_ident(p_table), p.command;
        END IF;
        SELECT coalesce(string_agg(CASE WHEN r = 'public' THEN 'PUBLIC' ELSE quote_ident(r) END, ', ' ORDER BY o), 'PUBLIC')
          INTO v_roles FROM unnest(p.roles) WITH ORDINALITY AS u(r, o);
        EXECUTE format('CREATE POLICY %I ON %s AS PERMISSIVE FOR %s TO %s', p.name, p_rel, p.command, v_roles)
             || coalesce(' USING (' || p."using" || ')', '')
             || coalesce(' WITH CHECK (' || p."check" || ')', '');
    END LOOP;
    FOR g IN SELECT * FROM jsonb_to_recordset(coalesce(v.security -> 'grants', '[]')) AS x(role text, privileges text[])
    LOOP
        IF EXISTS (SELECT 1 FROM unnest(g.privileges) x
                    WHERE x NOT IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'ALL'))
        THEN
            RAISE EXCEPTION 'grant to % on %.%: privileges % are not table privileges',
                g.role, quote_ident(p_schema), quote_ident(p_table), g.privileges;
        END IF;
        EXECUTE format('GRANT %s ON %s TO %s', array_to_string(g.privileges, ', '), p_rel,
                       CASE WHEN g.role = 'public' THEN 'PUBLIC' ELSE quote_ident(g.role) END);
    END LOOP;
END
${{tag}}$;

-- Takes off one partition the security p_security describes (the table's
-- before a change of it): its policies dropped, its grants revoked, row-level
-- security disabled; secure_partition then applies the table's new one.
CREATE FUNCTION {{rt}}.unsecure_partition(p_rel regclass, p_security jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    p record;
    g record;
BEGIN
    FOR p IN SELECT * FROM jsonb_to_recordset(coalesce(p_security -> 'policies', '[]')) AS x(name text)
    LOOP
        EXECUTE format('DROP POLICY IF EXISTS %I ON %s', p.name, p_rel);
    END LOOP;
    FOR g IN SELECT * FROM jsonb_to_recordset(coalesce(p_security -> 'grants', '[]')) AS x(role text, privileges text[])
    LOOP
        IF EXISTS (SELECT 1 FROM unnest(g.privileges) x
                    WHERE x NOT IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'ALL'))
        THEN
            RAISE EXCEPTION 'grant to % on %: privileges % are not table privileges', g.role, p_rel, g.privileges;
        END IF;
        EXECUTE format('REVOKE %s ON %s FROM %s', array_to_string(g.privileges, ', '), p_rel,
                       CASE WHEN g.role = 'public' THEN 'PUBLIC' ELSE quote_ident(g.role) END);
    END LOOP;
    IF coalesce((p_security ->> 'rls')::boolean, false) THEN
        EXECUTE format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', p_rel);
        EXECUTE format('ALTER TABLE %s DISABLE ROW LEVEL SECURITY', p_rel);
    END IF;
END
${{tag}}$;

-- A foreign key of a partitioned table, one partition at a time (PostgreSQL
-- before 18 refuses NOT VALID on the partitioned table itself).
--   'add':      on each partition that lacks a constraint p_name, adds it
--               NOT VALID (the catalog only; new and changed rows are checked);
--   'validate': validates it on each partition where it is not yet (every
--               row is read under SHARE UPDATE EXCLUSIVE: writers go on);
--   'drop':     drops it from each partition that has it as its own.
-- 'add' and 'drop' lock the partitioned table first (SHARE ROW EXCLUSIVE,
-- ACCESS EXCLUSIVE), in the order of a writer, so that the two cannot deadlock.
-- Then ALTER TABLE ... ADD FOREIGN KEY on the parent adopts the validated
-- ones without reading a row.
CREATE FUNCTION {{rt}}.partition_foreign_key(p_table regclass, p_action text, p_name text,
                                             p_columns text[] DEFAULT NULL, p_ref regclass DEFAULT NULL,
                                             p_ref_columns text[] DEFAULT NULL, p_on_delete text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    r     record;
    v_con pg_catalog.pg_constraint;
BEGIN
    IF p_action NOT IN ('add', 'validate', 'drop') THEN
        RAISE EXCEPTION 'partition_foreign_key: unknown action %', p_action;
    END IF;
    IF p_action = 'add' AND (p_on_delete IS NULL OR p_on_delete NOT IN
                             ('NO ACTION', 'RESTRICT', 'CASCADE', 'SET NULL', 'SET DEFAULT')) THEN
        RAISE EXCEPTION 'partition_foreign_key: ON DELETE % is not an action', p_on_delete;
    END IF;
    -- the parent first, as a writer through it locks it before a partition
    IF p_action = 'add' THEN
        EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', p_table);
    ELSIF p_action = 'drop' THEN
        EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', p_table);
    END IF;
    FOR r IN SELECT i.inhrelid::regclass AS part FROM pg_catalog.pg_inherits i
              WHERE i.inhparent = p_table ORDER BY i.inhrelid LOOP
        SELECT * INTO v_con FROM pg_catalog.pg_constraint c
         WHERE c.conrelid = r.part AND c.conname = p_name AND c.contype = 'f';
        IF p_action = 'add' AND v_con.oid IS NULL THEN
            EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (%s) REFERENCES %s (%s) ON DELETE %s NOT VALID',
                           r.part, p_name,
                           (SELECT string_agg(quote_ident(x), ', ' ORDER BY o) FROM unnest(p_columns) WITH ORDINALITY u(x, o)),
                           p_ref,
                           (SELECT string_agg(quote_ident(x), ', ' ORDER BY o) FROM unnest(p_ref_columns) WITH ORDINALITY u(x, o)),
                           p_on_delete);
        ELSIF p_action = 'validate' AND v_con.oid IS NOT NULL AND NOT v_con.convalidated THEN
            EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', r.part, p_name);
        ELSIF p_action = 'drop' AND v_con.oid IS NOT NULL AND v_con.conparentid = 0 THEN
            EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.part, p_name);
        END IF;
    END LOOP;
END
${{tag}}$;

-- One step of maintenance under a lock: waits at most the table's
-- lock_timeout per attempt, up to 5 attempts with pauses of 0.1, 0.2, 0.4
-- and 0.8 s in which nothing is held; once this transaction holds a lock on
-- the table that others wait for, one attempt that takes only what it can get
-- at once (NOWAIT).  p_statements run in a subtransaction, so that an attempt
-- that fails on a lock releases every lock it took; '%NOWAIT%' in them is
-- replaced by the NOWAIT of the attempt.  Returns NULL when done, else why not.
CREATE FUNCTION {{rt}}.attempt(p_table regclass, p_statements text[])
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v_try    integer := 0;
    v_nowait text;
    v_stmt   text;
    v_why    text;
BEGIN
    LOOP
        v_nowait := CASE WHEN EXISTS (SELECT 1 FROM pg_locks l
                                       WHERE l.locktype = 'relation' AND l.pid = pg_backend_pid()
                                         AND l.relation = p_table AND l.granted
                                         AND l.mode NOT IN ('AccessShareLock', 'RowShareLock', 'RowExclusiveLock'))
                         THEN ' NOWAIT' ELSE '' END;
        BEGIN
            FOREACH v_stmt IN ARRAY p_statements LOOP
                EXECUTE replace(v_stmt, '%NOWAIT%', v_nowait);
            END LOOP;
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            v_try := v_try + 1;
            IF v_nowait <> '' THEN
                v_why := format('this transaction already holds a lock on %s that others wait for, so it takes no lock it cannot get at once (%s)',
                                p_table, SQLERRM);
            ELSIF v_try >= 5 THEN
                v_why := format('%s attempts to lock, each waiting at most %s, failed: another transaction holds a lock on the table or the partition (%s)',
                                v_try, current_setting('lock_timeout'), SQLERRM);
            END IF;
        END;
        EXIT WHEN v_why IS NOT NULL;
        PERFORM pg_sleep(0.05 * 2 ^ v_try);
    END LOOP;
    RETURN v_why;
END
${{tag}}$;

-- Creates the missing partitions of a registered table through premake
-- ranges ahead of the range that holds p_now, starting after the newest
-- partition so that no gap is left, each with the table's security; rows
-- that wait in a default partition for a new range move into it.
-- Idempotent; a call made while another runs returns 0 at once (advisory
-- lock).  Each partition takes ACCESS EXCLUSIVE on the table, asked for first
-- and waiting at most the registered lock_timeout per attempt; what it cannot
-- lock is left for the next run and named in a WARNING.  Returns the number of
-- partitions created.
CREATE FUNCTION {{rt}}.create_partitions(p_schema text, p_table text, p_now timestamptz DEFAULT now())
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET lock_timeout = '50ms'
AS ${{tag}}$
DECLARE
    v         {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_table   regclass;
    v_default regclass;
    v_now     timestamptz;
    v_last    timestamptz;
    v_lo      timestamptz;
    v_hi      timestamptz;
    v_name    text;
    v_stmts   text[];
    v_made    integer := 0;
    v_why     text;
    v_left    text;
    v_busy    boolean;
    v_secure  boolean;
BEGIN
    IF v.name_format IS NULL THEN
        RETURN 0;
    END IF;
    v_table := format('%I.%I', v.schema_name, v.live_name)::regclass;
    PERFORM set_config('lock_timeout', v.lock_timeout, true);
    -- one maintainer at a time: a second caller returns at once
    IF NOT pg_try_advisory_xact_lock(hashtextextended(format('%I.%I', v.schema_name, v.table_name), 0::bigint)) THEN
        RAISE NOTICE '% is being maintained by another session', v_table;
        RETURN 0;
    END IF;
    SELECT nullif(p.partdefid, 0)::regclass INTO v_default FROM pg_partitioned_table p WHERE p.partrelid = v_table;
    v_secure := v.security <> '{}'::jsonb;
    v_now := date_trunc(v.trunc_unit, p_now);
    v_last := v_now + v.premake * v.step;
    SELECT greatest(v.start_at, least(v_now, coalesce(max(b.upper_bound), v_now))) INTO v_lo
      FROM {{rt}}.bounds(v_table) b;
    WHILE v_lo <= v_last LOOP
        v_hi := v_lo + v.step;
        v_name := to_char(v_lo, v.name_format);
        IF to_regclass(format('%I.%I', v.schema_name, v_name)) IS NOT NULL THEN
            v_lo := v_hi;
            CONTINUE;
        ELSIF v_why IS NOT NULL THEN
            -- stopped: a later range created now would leave a gap
            v_left := v_left || ', ' || format('%I.%I', v.schema_name, v_name);
            v_lo := v_hi;
            CONTINUE;
        END IF;
        -- the order in which readers lock: the table, then its partitions
        v_stmts := ARRAY[format('LOCK TABLE ONLY %s%s IN ACCESS EXCLUSIVE MODE%%NOWAIT%%', v_table,
                                coalesce(', ONLY ' || v_default::text, ''))];
        IF v_default IS NOT NULL THEN
            -- rows referenced by foreign keys cannot move without firing the
            -- keys' ON DELETE actions: stop and let a person decide
            IF EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' AND confrelid = v_table) THEN
                EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE %I >= %L AND %I < %L)',
                               v_default, v.key_column, v_lo, v.key_column, v_hi) INTO v_busy;
                IF v_busy THEN
                    RAISE EXCEPTION 'the default partition of % holds rows from % to %, and foreign keys reference the table', v_table, v_lo, v_hi
                        USING HINT = 'move those rows by hand (they would fire ON DELETE actions), then run the maintenance again';
                END IF;
            END IF;
            -- forced row-level security is lifted meanwhile, so that the
            -- owner moves every row (restored in the same transaction)
            IF coalesce((v.security ->> 'rls')::boolean, false) THEN
                v_stmts := v_stmts || format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', v_default);
            END IF;
            v_stmts := v_stmts
                || format('CREATE TEMP TABLE partc_moved (LIKE %s)', v_table)
                || format('WITH m AS (DELETE FROM %s WHERE %I >= %L AND %I < %L RETURNING *) INSERT INTO pg_temp.partc_moved SELECT * FROM m',
                          v_default, v.key_column, v_lo, v.key_column, v_hi);
        END IF;
        v_stmts := v_stmts || format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                                     v.schema_name, v_name, v_table,
                                     to_char(v_lo, v.bound_format), to_char(v_hi, v.bound_format));
        IF v_default IS NOT NULL THEN
            v_stmts := v_stmts
                || format('INSERT INTO %I.%I OVERRIDING SYSTEM VALUE SELECT * FROM pg_temp.partc_moved', v.schema_name, v_name)
                || 'DROP TABLE pg_temp.partc_moved'::text;
            IF coalesce((v.security ->> 'rls')::boolean, false) THEN
                v_stmts := v_stmts || format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', v_default);
            END IF;
        END IF;
        IF v_secure THEN
            v_stmts := v_stmts || format('SELECT %I.secure_partition(%L, %L, %L)', {{rt_lit}}, v.schema_name, v.table_name,
                                         format('%I.%I', v.schema_name, v_name));
        END IF;
        v_why := {{rt}}.attempt(v_table, v_stmts);
        IF v_why IS NULL THEN
            v_made := v_made + 1;
        ELSE
            v_left := format('%I.%I', v.schema_name, v_name);
        END IF;
        v_lo := v_hi;
    END LOOP;
    IF v_why IS NOT NULL THEN
        RAISE WARNING 'partitions of % left for the next run: %: %', v_table, v_left, v_why;
    END IF;
    RETURN v_made;
END
${{tag}}$;

-- After a change of a table's premake or naming (the registered row is
-- already the new one): drops the empty partitions beyond the new premake
-- ranges ahead of the range that holds p_now or p_as_of, whichever is later
-- (the --as-of the migrations planned their partitions for), keeping with a
-- NOTICE those that hold rows; then renames every partition of one range
-- whose name is not the registered naming's, and the indexes PostgreSQL
-- named after it.
-- Each statement waits at most the registered lock_timeout per attempt.
-- Returns the number of partitions dropped or renamed.
CREATE FUNCTION {{rt}}.reshape_partitions(p_schema text, p_table text, p_as_of timestamptz,
                                          p_now timestamptz DEFAULT now())
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS ${{tag}}$
DECLARE
    v       {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_table regclass;
    v_last  timestamptz;
    r       record;
    x       record;
    v_name  text;
    v_busy  boolean;
    v_why   text;
    v_done  integer := 0;
BEGIN
    IF v.name_format IS NULL THEN
        RETURN 0;
    END IF;
    v_table := format('%I.%I', v.schema_name, v.live_name)::regclass;
    PERFORM set_config('lock_timeout', v.lock_timeout, true);
    v_last := greatest(date_trunc(v.trunc_unit, p_now), date_trunc(v.trunc_unit, p_as_of)) + v.premake * v.step;
    FOR r IN SELECT b.part FROM {{rt}}.bounds(v_table) b WHERE b.lower_bound > v_last ORDER BY b.lower_bound DESC LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', r.part) INTO v_busy;
        IF v_busy THEN
            RAISE NOTICE '% holds rows: kept, though it is beyond premake', r.part;
            CONTINUE;
        END IF;
        v_why := {{rt}}.attempt(v_table, ARRAY[format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE%%NOWAIT%%', v_table),
                                               format('DROP TABLE %s', r.part)]);
        IF v_why IS NOT NULL THEN
            RAISE EXCEPTION 'cannot drop %: %', r.part, v_why;
        END IF;
        v_done := v_done + 1;
    END LOOP;
    FOR r IN SELECT c.relname, to_char(b.lower_bound, v.name_format) AS want
               FROM {{rt}}.bounds(v_table) b JOIN pg_class c ON c.oid = b.part
              WHERE c.relname <> to_char(b.lower_bound, v.name_format)
                -- one range each (the table a conversion by attach made the
                -- partition of every row before its cutover keeps its name)
                AND b.upper_bound = b.lower_bound + v.step
              ORDER BY b.lower_bound LOOP
        IF to_regclass(format('%I.%I', v.schema_name, r.want)) IS NOT NULL THEN
            RAISE EXCEPTION 'cannot rename %.% to %: that name is taken', v.schema_name, r.relname, r.want;
        END IF;
        EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', v.schema_name, r.relname, r.want);
        FOR x IN SELECT i.relname FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid
                  WHERE ix.indrelid = format('%I.%I', v.schema_name, r.want)::regclass
                    AND left(i.relname, length(r.relname) + 1) = r.relname || '_' LOOP
            v_name := r.want || substr(x.relname, length(r.relname) + 1);
            IF octet_length(v_name) <= 63 AND to_regclass(format('%I.%I', v.schema_name, v_name)) IS NULL THEN
                EXECUTE format('ALTER INDEX %I.%I RENAME TO %I', v.schema_name, x.relname, v_name);
            END IF;
        END LOOP;
        v_done := v_done + 1;
    END LOOP;
    RETURN v_done;
END
${{tag}}$;

-- Completes an index that a change of a spec added to a partitioned table
-- ON ONLY the parent: each partition without its part of it gets one, in a
-- transaction of its own.  An index of the partition that matches (valid,
-- attached to nothing: one the migrations before built CONCURRENTLY) is
-- attached; else one is built, named by PostgreSQL as it names the indexes
-- of a new partition, under SHARE on that partition alone (the partitions no
-- longer written and those not yet written), and attached.  A partition that
-- holds rows and whose range holds p_now is never built under a lock: the
-- call stops, naming the statement to run first.  The parent's index is
-- valid once every partition has its part.  CALL it outside a transaction
-- block; each statement waits at most p_lock_timeout for its lock.
CREATE PROCEDURE {{rt}}.attach_index(p_schema text, p_index text, p_lock_timeout text,
                                     p_now timestamptz DEFAULT pg_catalog.now())
LANGUAGE plpgsql
AS ${{tag}}$
DECLARE
    v_index  regclass;
    v_table  regclass;
    v_unique boolean;
    v_def    text;
    r        record;
    v_cand   regclass;
    v_busy   boolean;
    v_left   text;
    v_hint   text;
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    v_index := pg_catalog.format('%I.%I', p_schema, p_index)::regclass;
    SELECT x.indrelid::regclass, x.indisunique INTO v_table, v_unique FROM pg_catalog.pg_index x WHERE x.indexrelid = v_index;
    v_def := pg_catalog.substring(pg_catalog.pg_get_indexdef(v_index), ' USING .*$');
    FOR r IN SELECT i.inhrelid::regclass AS part,
                    (SELECT b.lower_bound FROM {{rt}}.bounds(v_table) b WHERE b.part = i.inhrelid) AS lo,
                    (SELECT b.upper_bound FROM {{rt}}.bounds(v_table) b WHERE b.part = i.inhrelid) AS hi
               FROM pg_catalog.pg_inherits i
              WHERE i.inhparent = v_table
                AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits ii
                                  JOIN pg_catalog.pg_index x ON x.indexrelid = ii.inhrelid
                                 WHERE ii.inhparent = v_index AND x.indrelid = i.inhrelid)
              ORDER BY i.inhrelid LOOP
        PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
        PERFORM pg_catalog.set_config('lock_timeout', p_lock_timeout, true);
        SELECT x.indexrelid::regclass INTO v_cand FROM pg_catalog.pg_index x
         WHERE x.indrelid = r.part AND x.indisvalid AND x.indisunique = v_unique
           AND pg_catalog.substring(pg_catalog.pg_get_indexdef(x.indexrelid), ' USING .*$') = v_def
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits ii WHERE ii.inhrelid = x.indexrelid)
         ORDER BY x.indexrelid LIMIT 1;
        IF v_cand IS NULL THEN
            EXECUTE pg_catalog.format('SELECT EXISTS (SELECT 1 FROM %s)', r.part) INTO v_busy;
            IF v_busy AND r.lo <= p_now AND p_now < r.hi THEN
                v_left := pg_catalog.concat_ws(', ', v_left, r.part::text);
                v_hint := pg_catalog.format('CREATE %sINDEX CONCURRENTLY ON %s%s', CASE WHEN v_unique THEN 'UNIQUE ' ELSE '' END,
                                            r.part, v_def);
                CONTINUE;
            END IF;
            EXECUTE pg_catalog.format('CREATE %sINDEX ON %s%s', CASE WHEN v_unique THEN 'UNIQUE ' ELSE '' END, r.part, v_def);
            SELECT x.indexrelid::regclass INTO v_cand FROM pg_catalog.pg_index x
             WHERE x.indrelid = r.part AND x.indisvalid AND x.indisunique = v_unique
               AND pg_catalog.substring(pg_catalog.pg_get_indexdef(x.indexrelid), ' USING .*$') = v_def
               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits ii WHERE ii.inhrelid = x.indexrelid)
             ORDER BY x.indexrelid DESC LIMIT 1;
        END IF;
        EXECUTE pg_catalog.format('ALTER INDEX %s ATTACH PARTITION %s', v_index, v_cand);
        COMMIT;
    END LOOP;
    IF v_left IS NOT NULL THEN
        RAISE EXCEPTION 'partition % receives writes and has no index like % built without a lock', v_left, v_index
            USING HINT = pg_catalog.format('run %s (for each partition named), then this migration again', v_hint);
    END IF;
END
${{tag}}$;

-- The partitions that retention retires at p_now, newest first: every one
-- whose whole range is older than p_now - keep, never one of the newest
-- protect partitions that have begun, never a future one; each with whether
-- an interrupted DETACH ... CONCURRENTLY left it pending.
CREATE FUNCTION {{rt}}.retention_candidates(p_schema text, p_table text, p_now timestamptz DEFAULT now())
RETURNS TABLE (part regclass, pending boolean)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS ${{tag}}$
DECLARE
    v       {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_table regclass := format('%I.%I', v.schema_name, v.live_name)::regclass;
    v_pend  boolean := current_setting('server_version_num')::integer >= 140000;
BEGIN
    IF v.name_format IS NULL OR v.retention_keep IS NULL OR v.retention_action = 'delete' THEN
        RETURN;
    END IF;
    -- pg_inherits.inhdetachpending is new in PostgreSQL 14
    IF v_pend THEN
        RETURN QUERY
        SELECT e.part, e.pending
          FROM (SELECT b.part, b.lower_bound, b.upper_bound,
                       (SELECT i.inhdetachpending FROM pg_inherits i WHERE i.inhrelid = b.part) AS pending,
                       row_number() OVER (ORDER BY b.lower_bound DESC) AS n
                  FROM {{rt}}.bounds(v_table) b
                 WHERE b.lower_bound <= p_now) e
         WHERE e.n > v.retention_protect AND e.upper_bound <= p_now - v.retention_keep
         ORDER BY e.lower_bound DESC;
    ELSE
        RETURN QUERY
        SELECT e.part, false
          FROM (SELECT b.part, b.lower_bound, b.upper_bound,
                       row_number() OVER (ORDER BY b.lower_bound DESC) AS n
                  FROM {{rt}}.bounds(v_table) b
                 WHERE b.lower_bound <= p_now) e
         WHERE e.n > v.retention_protect AND e.upper_bound <= p_now - v.retention_keep
         ORDER BY e.lower_bound DESC;
    END IF;
END
${{tag}}$;

-- What follows the detach of a partition by retention: DROP TABLE (drop), a
-- comment that marks it as retention's (detach), or the comment and a move
-- to the archive schema (archive).  The rollback of a table's migration
-- names the tables that stay by that comment.
CREATE FUNCTION {{rt}}.retire_statement(v {{rt}}.tables, p_part regclass)
RETURNS text
LANGUAGE sql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
    SELECT CASE v.retention_action
           WHEN 'drop' THEN format('DROP TABLE %s', p_part)
           WHEN 'detach' THEN format('COMMENT ON TABLE %s IS %L', p_part,
                                     format('partc: detached from %I.%I by retention', v.schema_name, v.table_name))
           WHEN 'archive' THEN format('COMMENT ON TABLE %1$s IS %2$L; ALTER TABLE %1$s SET SCHEMA %3$I', p_part,
                                      format('partc: detached from %I.%I by retention', v.schema_name, v.table_name),
                                      v.archive_schema)
           END
${{tag}}$;

-- Retention of a registered table.  Partitioned: detaches every partition
-- that retention_candidates names, then drops, keeps or archives it; each
-- takes ACCESS EXCLUSIVE on the table and the partition, asked for first and
-- waiting at most the registered lock_timeout per attempt; what it cannot
-- lock is left for the next run and named in a WARNING.  Action delete:
-- deletes the expired rows in batches, at most p_max_batches per call,
-- skipping rows locked by others.  Returns the partitions retired or the
-- rows deleted.
CREATE FUNCTION {{rt}}.apply_retention(p_schema text, p_table text, p_now timestamptz DEFAULT now(),
                                       p_max_batches integer DEFAULT 10)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET lock_timeout = '50ms'
AS ${{tag}}$
DECLARE
    v         {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_table   regclass;
    v_default text;
    v_done    bigint := 0::bigint;
    v_rows    bigint;
    v_cutoff  timestamptz;
    v_why     text;
    v_left    text;
    r         record;
BEGIN
    IF v.retention_keep IS NULL THEN
        RETURN 0::bigint;
    END IF;
    v_table := format('%I.%I', v.schema_name, v.live_name)::regclass;
    PERFORM set_config('lock_timeout', v.lock_timeout, true);
    IF v.retention_action = 'delete' THEN
        v_cutoff := p_now - v.retention_keep;
        IF v.step IS NOT NULL AND v.retention_protect > 0 THEN
            -- never the current range nor the protect - 1 before it
            v_cutoff := least(v_cutoff, date_trunc(v.trunc_unit, p_now) - (v.retention_protect - 1) * v.step);
        END IF;
        FOR i IN 1 .. p_max_batches LOOP
            EXECUTE format('DELETE FROM %1$s WHERE ctid = ANY (ARRAY(SELECT ctid FROM %1$s WHERE %2$I %3$s $1 LIMIT %4$s FOR UPDATE SKIP LOCKED))',
                           v_table, v.retention_column,
                           CASE WHEN v.retention_cutoff_inclusive THEN '<=' ELSE '<' END, v.retention_batch)
                USING v_cutoff;
            GET DIAGNOSTICS v_rows = ROW_COUNT;
            v_done := v_done + v_rows;
            EXIT WHEN v_rows < v.retention_batch;
        END LOOP;
        RETURN v_done;
    END IF;
    -- one maintainer at a time: a second caller returns at once
    IF NOT pg_try_advisory_xact_lock(hashtextextended(format('%I.%I', v.schema_name, v.table_name), 0::bigint)) THEN
        RAISE NOTICE '% is being maintained by another session', v_table;
        RETURN 0::bigint;
    END IF;
    v_default := (SELECT ', ONLY ' || p.partdefid::regclass::text FROM pg_partitioned_table p
                   WHERE p.partrelid = v_table AND p.partdefid <> 0);
    FOR r IN SELECT * FROM {{rt}}.retention_candidates(p_schema, p_table, p_now) LOOP
        IF v_why IS NOT NULL THEN
            v_left := v_left || ', ' || r.part::text;
            CONTINUE;
        END IF;
        -- the order in which readers lock: the table, then its partitions
        v_why := {{rt}}.attempt(v_table, CASE WHEN r.pending THEN ARRAY[
                     format('LOCK TABLE ONLY %s IN SHARE UPDATE EXCLUSIVE MODE%%NOWAIT%%', v_table),
                     format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE%%NOWAIT%%', r.part),
                     format('ALTER TABLE %s DETACH PARTITION %s FINALIZE', v_table, r.part),
                     {{rt}}.retire_statement(v, r.part)]
                 ELSE ARRAY[
                     format('LOCK TABLE ONLY %s, ONLY %s%s IN ACCESS EXCLUSIVE MODE%%NOWAIT%%', v_table, r.part,
                            coalesce(v_default, '')),
                     format('ALTER TABLE %s DETACH PARTITION %s', v_table, r.part),
                     {{rt}}.retire_statement(v, r.part)] END);
        IF v_why IS NULL THEN
            v_done := v_done + 1;
        ELSE
            v_left := r.part::text;
        END IF;
    END LOOP;
    IF v_why IS NOT NULL THEN
        RAISE WARNING 'retention of % left % for the next run: %', v_table, v_left, v_why;
    END IF;
    RETURN v_done;
END
${{tag}}$;

-- The statements that retire what apply_retention(p_now) would, without ever
-- making a reader wait: ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY
-- (FINALIZE for one an interrupted one left pending), each followed by what
-- the action does with the detached table.  They cannot run inside a
-- function or a transaction block: run each on its own, for instance with
-- psql:  SELECT s FROM partc.retire_statements('public', 'events') s \gexec
-- Before PostgreSQL 14, with a default partition or with action delete, the
-- one statement is a call of apply_retention.
CREATE FUNCTION {{rt}}.retire_statements(p_schema text, p_table text, p_now timestamptz DEFAULT now())
RETURNS SETOF text
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS ${{tag}}$
DECLARE
    v       {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_table regclass := format('%I.%I', v.schema_name, v.live_name)::regclass;
    r       record;
BEGIN
    IF current_setting('server_version_num')::integer < 140000 OR v.retention_action = 'delete'
       OR (SELECT p.partdefid <> 0 FROM pg_partitioned_table p WHERE p.partrelid = v_table) THEN
        RETURN NEXT format('SELECT %I.apply_retention(%L, %L, %L)', {{rt_lit}}, p_schema, p_table, p_now);
        RETURN;
    END IF;
    FOR r IN SELECT * FROM {{rt}}.retention_candidates(p_schema, p_table, p_now) LOOP
        RETURN NEXT format('ALTER TABLE %s DETACH PARTITION %s %s', v_table, r.part,
                           CASE WHEN r.pending THEN 'FINALIZE' ELSE 'CONCURRENTLY' END);
        -- only once the partition is detached: a run that stopped on an error
        -- (without ON_ERROR_STOP) never drops or moves an attached partition
        RETURN NEXT format('DO %L', format('BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass(%L) AND NOT c.relispartition) THEN %s; END IF; END',
                                           r.part, {{rt}}.retire_statement(v, r.part)));
    END LOOP;
END
${{tag}}$;

-- Maintenance of one registered table (p_schema and p_table given) or of
-- all of them: partitions ahead, then retention (not before a conversion's
-- cleanup: what it removed would come back with a rollback of the swap).
-- Each table in a subtransaction of its own: one that fails is recorded in
-- last_error, named in a WARNING, and does not stop the others.
CREATE FUNCTION {{rt}}.maintain(p_schema text DEFAULT NULL, p_table text DEFAULT NULL,
                                p_now timestamptz DEFAULT now())
RETURNS TABLE (table_name text, partitions_made integer, retired bigint, error text)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    t       record;
BEGIN
    FOR t IN SELECT r.schema_name, r.table_name, r.phase FROM {{rt}}.tables r
              WHERE (p_schema IS NULL OR r.schema_name = p_schema) AND (p_table IS NULL OR r.table_name = p_table)
              ORDER BY r.schema_name, r.table_name
    LOOP
        table_name := format('%I.%I', t.schema_name, t.table_name);
        partitions_made := 0;
        retired := 0;
        error := NULL;
        BEGIN
            partitions_made := {{rt}}.create_partitions(t.schema_name, t.table_name, p_now);
            IF t.phase = 'live' THEN
                retired := {{rt}}.apply_retention(t.schema_name, t.table_name, p_now);
            END IF;
        EXCEPTION WHEN OTHERS THEN
            error := SQLERRM;
            RAISE WARNING 'maintenance of % failed: %', table_name, SQLERRM;
        END;
        UPDATE {{rt}}.tables r SET last_run = clock_timestamp(), last_error = error
         WHERE r.schema_name = t.schema_name AND r.table_name = t.table_name;
        RETURN NEXT;
    END LOOP;
END
${{tag}}$;

-- How far ahead the partitions of every registered table reach from p_now:
-- OK, or WARNING below warn_ahead, or CRITICAL below critical_ahead (or with
-- no partition at all); FAILED when its last maintenance failed, with why.
CREATE FUNCTION {{rt}}.partition_health(p_now timestamptz DEFAULT now())
RETURNS TABLE (table_name text, partitions integer, newest_bound timestamptz, ahead interval, status text,
               last_run timestamptz, last_error text)
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS ${{tag}}$
    SELECT format('%I.%I', r.schema_name, r.table_name),
           h.n::integer, h.newest, h.newest - p_now,
           CASE WHEN r.last_error IS NOT NULL THEN 'FAILED'
                WHEN r.name_format IS NULL THEN 'OK'
                WHEN h.newest IS NULL OR h.newest < p_now + r.critical_ahead THEN 'CRITICAL'
                WHEN h.newest < p_now + r.warn_ahead THEN 'WARNING'
                ELSE 'OK' END,
           r.last_run, r.last_error
      FROM {{rt}}.tables r
      LEFT JOIN LATERAL (SELECT count(*) AS n, max(b.upper_bound) AS newest
                           FROM {{rt}}.bounds(to_regclass(format('%I.%I', r.schema_name, r.live_name))) b) h
        ON r.name_format IS NOT NULL
     ORDER BY 1
${{tag}}$;

CREATE VIEW {{rt}}.partition_health AS SELECT * FROM {{rt}}.partition_health();

-- Schedules the maintenance of a registered table with pg_cron: one job per
-- table, named after it; a NOTICE when pg_cron is not installed.
CREATE FUNCTION {{rt}}.schedule(p_schema text, p_table text, p_schedule text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v_cron    text := 'cron';  -- pg_cron's schema, which may not exist
    v_job     text := format('partc:%s.%s:maintain', p_schema, p_table);
    v_command text := format('SELECT %I.maintain(%L, %L)', {{rt_lit}}, p_schema, p_table);
BEGIN
    PERFORM {{rt}}.table_of(p_schema, p_table);
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        EXECUTE format('SELECT %I.schedule($1, $2, $3)', v_cron) USING v_job, p_schedule, v_command;
    ELSE
        RAISE NOTICE 'pg_cron is not installed: run % on the schedule % with your own scheduler', v_command, p_schedule;
    END IF;
END
${{tag}}$;

CREATE FUNCTION {{rt}}.unschedule(p_schema text, p_table text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v_cron text := 'cron';  -- pg_cron's schema, which may not exist
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        EXECUTE format('SELECT %1$I.unschedule(jobid) FROM %1$I.job WHERE jobname = $1', v_cron)
            USING format('partc:%s.%s:maintain', p_schema, p_table);
    END IF;
END
${{tag}}$;

-- Says which tables retention detached or archived from a table: they stay
-- when the table goes, as their rows may still be needed.
CREATE FUNCTION {{rt}}.notice_detached(p_schema text, p_table text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v_kept text;
BEGIN
    SELECT string_agg(c.oid::regclass::text, ', ' ORDER BY c.oid::regclass::text) INTO v_kept
      FROM pg_description d
      JOIN pg_class c ON c.oid = d.objoid
     WHERE d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
       AND d.description = format('partc: detached from %I.%I by retention', p_schema, p_table);
    IF v_kept IS NOT NULL THEN
        RAISE NOTICE 'partc: keeping the tables that retention detached from %.%: % (drop them when their rows are no longer needed)',
            quote_ident(p_schema), quote_ident(p_table), v_kept;
    END IF;
END
${{tag}}$;

-- A conversion's preflight: the live table must match its spec (p_spec, as
-- the prepare migration gives it) before anything changes.  Every mismatch
-- is listed in one error; nothing is created when one is found.  Sets
-- timezone UTC for the rest of the transaction, and partc.max_key to the
-- largest key of the table (for the range check that follows).
CREATE FUNCTION {{rt}}.preflight(p_spec jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    spec     jsonb := p_spec;
    v_table  text := p_spec->>'table';
    v_key    text := p_spec->>'key';
    v_rel    regclass := pg_catalog.to_regclass(p_spec->>'table');
    v_bad    text[] := '{}'::text[];
    v_live   text[];
    v_owner  oid;
    v_rls    boolean;
    v_min    text;
    v_max    text;
    v_n      bigint;
    v_want   text;
    v_have   text;
    v_in     jsonb;
    r        record;
BEGIN
    -- bounds and dates compare in UTC for the rest of this transaction
    PERFORM pg_catalog.set_config('timezone', 'UTC', true);
    IF v_rel IS NULL THEN
        RAISE EXCEPTION 'partc: table % does not exist', v_table
            USING HINT = 'mode convert changes a table that exists and holds rows; use mode create for a new table';
    END IF;
    SELECT c.relowner, c.relrowsecurity INTO v_owner, v_rls FROM pg_catalog.pg_class c WHERE c.oid = v_rel;
    IF (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = v_rel) <> 'r' THEN
        RAISE EXCEPTION 'partc: % is not a plain table (it may be partitioned already)', v_table
            USING HINT = 'if an earlier conversion swapped it, the prepare phase has nothing left to do';
    END IF;
    IF pg_catalog.to_regclass((p_spec->>'shadow')) IS NOT NULL AND pg_catalog.to_regclass((p_spec->>'state')) IS NOT NULL THEN
        RAISE EXCEPTION 'partc: the prepare phase of % has run already (% and % exist)', v_table, (p_spec->>'shadow'), (p_spec->>'state')
            USING HINT = 'go on with the backfill migration; to prepare again, apply this migration''s rollback first';
    END IF;
    IF pg_catalog.to_regclass((p_spec->>'shadow')) IS NOT NULL THEN
        v_bad := v_bad || format('the shadow table name %s is taken by a table that is not partc''s', (p_spec->>'shadow'));
    END IF;
    IF pg_catalog.to_regclass((p_spec->>'old')) IS NOT NULL THEN
        v_bad := v_bad || format('the name %s, which the old table gets at the swap, is taken', (p_spec->>'old'));
    END IF;

    -- columns: declared ones exist with the declared type; none is generated
    FOR r IN SELECT c->>'name' AS name, c->>'type' AS type FROM jsonb_array_elements(spec->'columns') c LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                        WHERE a.attrelid = v_rel AND a.attname = r.name AND a.attnum > 0 AND NOT a.attisdropped) THEN
            v_bad := v_bad || format('column %I is declared but the table has none', r.name);
        ELSIF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                           WHERE a.attrelid = v_rel AND a.attname = r.name
                             AND a.atttypid = pg_catalog.to_regtype(r.type)) THEN
            v_bad := v_bad || (SELECT format('column %I is %s, the spec says %s', r.name,
                                             pg_catalog.format_type(a.atttypid, a.atttypmod), r.type)
                                 FROM pg_catalog.pg_attribute a WHERE a.attrelid = v_rel AND a.attname = r.name);
        END IF;
    END LOOP;
    FOR r IN SELECT a.attname FROM pg_catalog.pg_attribute a
              WHERE a.attrelid = v_rel AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated <> '' LOOP
        v_bad := v_bad || format('column %I is generated: convert does not copy generated columns yet', r.attname);
    END LOOP;

    -- the partition key: NOT NULL, and no row before the first range (both
    -- are reported at once, with what a fix needs to know)
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = v_rel AND a.attname = v_key AND a.attnum > 0 AND NOT a.attisdropped) THEN
        v_bad := v_bad || format('partition key %I is not a column', v_key);
    ELSE
        IF NOT (SELECT a.attnotnull FROM pg_catalog.pg_attribute a WHERE a.attrelid = v_rel AND a.attname = v_key) THEN
            EXECUTE format('SELECT count(*) FROM %s WHERE %I IS NULL', v_rel, v_key) INTO v_n;
            v_bad := v_bad || format('partition key %I allows NULL and is NULL in %s of the rows (fill them, then add '
                                     'CHECK (%I IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL)', v_key, v_n, v_key);
        END IF;
        EXECUTE format('SELECT min(%1$I)::text, max(%1$I)::text FROM %2$s', v_key, v_rel) INTO v_min, v_max;
        IF NOT (spec->>'default_partition')::boolean AND v_min IS NOT NULL
           AND v_min::timestamptz < (spec->>'start')::timestamptz THEN
            EXECUTE format('SELECT count(*) FROM %s WHERE %I < %L', v_rel, v_key, spec->>'start') INTO v_n;
            v_bad := v_bad || format('rows before partition.start %s: %s (the earliest %I is %s), and there is no default partition',
                                     spec->>'start', v_n, v_key, v_min);
        END IF;
        PERFORM pg_catalog.set_config('partc.max_key', coalesce(v_max, ''), true);
        PERFORM pg_catalog.set_config('partc.min_key', coalesce(v_min, ''), true);
    END IF;

    -- keys: the primary key and unique constraints are the spec's, as they are today
    SELECT array_agg(a.attname::text ORDER BY k.i) INTO v_live
      FROM pg_catalog.pg_constraint c
      CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, i)
      JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
     WHERE c.conrelid = v_rel AND c.contype = 'p';
    IF v_live IS NULL THEN
        v_bad := v_bad || 'the table has no primary key'::text;
    ELSIF v_live <> ARRAY(SELECT jsonb_array_elements_text(spec->'primary_key')) THEN
        v_bad := v_bad || format('the primary key is (%s), the spec says (%s)', array_to_string(v_live, ', '),
                                 array_to_string(ARRAY(SELECT jsonb_array_elements_text(spec->'primary_key')), ', '));
    END IF;
    FOR r IN SELECT i.indexrelid::regclass AS idx,
                    ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                            JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                           ORDER BY k.n) AS cols
               FROM pg_catalog.pg_index i
              WHERE i.indrelid = v_rel AND i.indisunique AND NOT i.indisprimary LOOP
        IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(spec->'unique') u
                        WHERE ARRAY(SELECT jsonb_array_elements_text(u)) = r.cols) THEN
            v_bad := v_bad || format('unique index %s on (%s) is not declared under unique', r.idx, array_to_string(r.cols, ', '));
        END IF;
    END LOOP;
    FOR r IN SELECT u FROM jsonb_array_elements(spec->'unique') u LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                        WHERE i.indrelid = v_rel AND i.indisunique AND i.indpred IS NULL
                          AND ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                                      JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                                     ORDER BY k.n) = ARRAY(SELECT jsonb_array_elements_text(r.u))) THEN
            v_bad := v_bad || format('unique (%s) is declared but the table has no such unique constraint',
                                     array_to_string(ARRAY(SELECT jsonb_array_elements_text(r.u)), ', '));
        END IF;
    END LOOP;

    -- indexes: every other index of the table is declared by name
    FOR r IN SELECT c.relname::text AS name FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
              WHERE i.indrelid = v_rel AND NOT i.indisprimary
                AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = v_rel)
                AND NOT i.indisunique LOOP
        IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(spec->'indexes') x WHERE x->>'name' = r.name) THEN
            v_bad := v_bad || format('index %I is not declared under indexes (it would be lost)', r.name);
        END IF;
    END LOOP;
    -- and each declared index the table has is defined as the spec says: the
    -- spec's is built on an empty copy of the table and both definitions are
    -- compared as PostgreSQL prints them (method, columns, order, nulls,
    -- operator classes, collations, include, predicate)
    FOR r IN SELECT x->>'name' AS name, (x->>'unique')::boolean AS uniq, x->>'def' AS def, c.oid AS live,
                    i.indisunique AS live_uniq
               FROM jsonb_array_elements(spec->'indexes') x
               JOIN pg_catalog.pg_class c ON c.relname = x->>'name' AND c.relnamespace =
                    (SELECT t.relnamespace FROM pg_catalog.pg_class t WHERE t.oid = v_rel)
               JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid AND i.indrelid = v_rel LOOP
        IF pg_catalog.to_regclass('pg_temp.partc_preflight') IS NULL THEN
            EXECUTE format('CREATE TEMP TABLE partc_preflight (LIKE %s)', v_rel);
        END IF;
        -- the spec's index definition resolves names as on the table
        PERFORM pg_catalog.set_config('search_path', p_spec->>'search_path', true);
        EXECUTE format('CREATE %sINDEX partc_preflight_idx ON pg_temp.partc_preflight %s',
                       CASE WHEN r.uniq THEN 'UNIQUE ' ELSE '' END, r.def);
        PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
        v_want := pg_catalog.pg_get_indexdef(pg_catalog.to_regclass('pg_temp.partc_preflight_idx'));
        v_want := substr(v_want, position(' USING ' IN v_want) + 1);
        v_have := pg_catalog.pg_get_indexdef(r.live);
        v_have := substr(v_have, length(format('CREATE %sINDEX %I ON %s ', CASE WHEN r.live_uniq THEN 'UNIQUE ' ELSE '' END,
                                               r.name, (SELECT format('%I.%I', n.nspname, t.relname)
                                                          FROM pg_catalog.pg_class t
                                                          JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
                                                         WHERE t.oid = v_rel))) + 1);
        IF v_want IS DISTINCT FROM v_have OR r.uniq IS DISTINCT FROM r.live_uniq THEN
            v_bad := v_bad || format('index %I is %s%s on the table, the spec says %s%s', r.name,
                                     CASE WHEN r.live_uniq THEN 'UNIQUE ' ELSE '' END, v_have,
                                     CASE WHEN r.uniq THEN 'UNIQUE ' ELSE '' END, v_want);
        END IF;
        DROP INDEX pg_temp.partc_preflight_idx;
    END LOOP;
    IF pg_catalog.to_regclass('pg_temp.partc_preflight') IS NOT NULL THEN
        DROP TABLE pg_temp.partc_preflight;
    END IF;

    -- checks declared exist (the others are copied as they are)
    FOR r IN SELECT jsonb_array_elements_text(spec->'checks') AS name LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c
                        WHERE c.conrelid = v_rel AND c.contype = 'c' AND c.conname = r.name) THEN
            v_bad := v_bad || format('check %I is declared but the table has none (add and validate it first)', r.name);
        END IF;
    END LOOP;

    -- foreign keys: out of the table, declared both ways; into it, none
    FOR r IN SELECT c.conname, c.confrelid::regclass AS ref,
                    (SELECT n.nspname FROM pg_catalog.pg_class t JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
                      WHERE t.oid = c.confrelid)::text AS ref_schema,
                    (SELECT t.relname FROM pg_catalog.pg_class t WHERE t.oid = c.confrelid)::text AS ref_table,
                    ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n) AS cols,
                    ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n) AS refcols
               FROM pg_catalog.pg_constraint c WHERE c.conrelid = v_rel AND c.contype = 'f' LOOP
        IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(spec->'foreign_keys') f
                        WHERE f->>'ref_schema' = r.ref_schema AND f->>'ref_table' = r.ref_table
                          AND ARRAY(SELECT jsonb_array_elements_text(f->'columns')) = r.cols
                          AND ARRAY(SELECT jsonb_array_elements_text(f->'ref_columns')) = r.refcols) THEN
            v_bad := v_bad || format('foreign key %I (%s) to %s is not declared under foreign_keys', r.conname,
                                     array_to_string(r.cols, ', '), r.ref);
        END IF;
    END LOOP;
    FOR r IN SELECT f FROM jsonb_array_elements(spec->'foreign_keys') f LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c
                         JOIN pg_catalog.pg_class t ON t.oid = c.confrelid
                         JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
                        WHERE c.conrelid = v_rel AND c.contype = 'f'
                          AND n.nspname = r.f->>'ref_schema' AND t.relname = r.f->>'ref_table'
                          AND ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                                      JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n)
                              = ARRAY(SELECT jsonb_array_elements_text(r.f->'columns'))) THEN
            v_bad := v_bad || format('foreign key (%s) to %I.%I is declared but the table has none (add and validate it first)',
                                     array_to_string(ARRAY(SELECT jsonb_array_elements_text(r.f->'columns')), ', '),
                                     r.f->>'ref_schema', r.f->>'ref_table');
        END IF;
    END LOOP;
    -- ... with the declared actions (the partitioned table's keys are made
    -- from the spec: another action would change what deletes do)
    FOR r IN SELECT c.conname, f->>'on_delete' AS want,
                    CASE c.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
                                       WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END AS del,
                    CASE c.confupdtype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
                                       WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END AS upd
               FROM jsonb_array_elements(spec->'foreign_keys') f
               JOIN pg_catalog.pg_constraint c ON c.conrelid = v_rel AND c.contype = 'f'
               JOIN pg_catalog.pg_class t ON t.oid = c.confrelid
               JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
              WHERE n.nspname = f->>'ref_schema' AND t.relname = f->>'ref_table'
                AND ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n)
                    = ARRAY(SELECT jsonb_array_elements_text(f->'columns')) LOOP
        IF r.del <> r.want OR r.upd <> 'NO ACTION' THEN
            v_bad := v_bad || format('foreign key %I is ON DELETE %s ON UPDATE %s; the spec says on_delete: %s (and ON UPDATE NO ACTION)',
                                     r.conname, r.del, r.upd, lower(r.want));
        END IF;
    END LOOP;
    -- into it: none, or (incoming_foreign_keys: rewire) those the spec
    -- declares, each as declared, validated, of a plain table this role owns
    FOR r IN SELECT c.conname::text AS conname, c.conrelid::regclass AS src, c.convalidated, k.relkind, k.relowner,
                    n.nspname::text AS src_schema, k.relname::text AS src_table,
                    ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY x(attnum, o)
                            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = x.attnum ORDER BY x.o) AS cols,
                    ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY x(attnum, o)
                            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = x.attnum ORDER BY x.o) AS refcols,
                    CASE c.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
                                       WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END AS del,
                    c.confupdtype, c.condeferrable, c.confmatchtype
               FROM pg_catalog.pg_constraint c
               JOIN pg_catalog.pg_class k ON k.oid = c.conrelid
               JOIN pg_catalog.pg_namespace n ON n.oid = k.relnamespace
              WHERE c.confrelid = v_rel AND c.contype = 'f' AND c.conrelid <> v_rel LOOP
        SELECT i INTO v_in FROM jsonb_array_elements(coalesce(spec->'incoming', '[]')) i
         WHERE i->>'schema' = r.src_schema AND i->>'table' = r.src_table
           AND ARRAY(SELECT jsonb_array_elements_text(i->'columns')) = r.cols;
        IF v_in IS NULL THEN
            v_bad := v_bad || format('foreign key %I of %s references the table: after the swap it would still point at the old table%s',
                                     r.conname, r.src,
                                     CASE WHEN spec ? 'incoming'
                                          THEN ' (declare it in the spec of its table, which incoming_foreign_keys: rewire then moves)'
                                          ELSE '' END);
            CONTINUE;
        END IF;
        IF r.conname <> v_in->>'constraint' THEN
            v_bad := v_bad || format('foreign key %I of %s is named %I in the spec', r.conname, r.src, v_in->>'constraint');
        END IF;
        IF r.refcols <> ARRAY(SELECT jsonb_array_elements_text(v_in->'ref_columns')) THEN
            v_bad := v_bad || format('foreign key %I of %s references (%s), the spec says (%s)', r.conname, r.src,
                                     array_to_string(r.refcols, ', '),
                                     array_to_string(ARRAY(SELECT jsonb_array_elements_text(v_in->'ref_columns')), ', '));
        END IF;
        IF r.del <> v_in->>'on_delete' OR r.confupdtype <> 'a' THEN
            v_bad := v_bad || format('foreign key %I of %s is ON DELETE %s%s; the spec says on_delete: %s (and ON UPDATE NO ACTION)',
                                     r.conname, r.src, r.del, CASE WHEN r.confupdtype <> 'a' THEN ' with an ON UPDATE action' ELSE '' END,
                                     lower(v_in->>'on_delete'));
        END IF;
        IF NOT r.convalidated THEN
            v_bad := v_bad || format('foreign key %I of %s is NOT VALID (validate it first)', r.conname, r.src);
        END IF;
        IF r.condeferrable OR r.confmatchtype <> 's' THEN
            v_bad := v_bad || format('foreign key %I of %s is %s: only a foreign key checked at once, MATCH SIMPLE, can be rewired',
                                     r.conname, r.src, concat_ws(', ', CASE WHEN r.condeferrable THEN 'DEFERRABLE' END,
                                                                 CASE WHEN r.confmatchtype = 'f' THEN 'MATCH FULL' END));
        END IF;
        IF r.relkind <> 'r' THEN
            v_bad := v_bad || format('%s, which references the table, is not a plain table: only a plain table''s foreign key can be rewired',
                                     r.src);
        END IF;
        IF r.relowner <> (SELECT r2.oid FROM pg_catalog.pg_roles r2 WHERE r2.rolname = current_user) THEN
            v_bad := v_bad || format('%s belongs to %I: the rewire of its foreign key must run as the owner of both tables',
                                     r.src, pg_catalog.pg_get_userbyid(r.relowner));
        END IF;
        IF (SELECT k2.relrowsecurity AND k2.relforcerowsecurity FROM pg_catalog.pg_class k2 WHERE k2.oid = r.src)
           AND NOT (SELECT r2.rolsuper OR r2.rolbypassrls FROM pg_catalog.pg_roles r2 WHERE r2.rolname = current_user) THEN
            v_bad := v_bad || format('%s forces row-level security and role %I cannot bypass it, so the backfill could miss rows of it',
                                     r.src, current_user);
        END IF;
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = r.src AND a.attname = v_in->>'column' AND a.attnum > 0 AND NOT a.attisdropped) THEN
            v_bad := v_bad || format('%s has a column %I already, which the rewire of %I adds', r.src, v_in->>'column', r.conname);
        END IF;
    END LOOP;
    FOR r IN SELECT i FROM jsonb_array_elements(coalesce(spec->'incoming', '[]')) i LOOP
        IF pg_catalog.to_regclass(format('%I.%I', r.i->>'schema', r.i->>'table')) IS NULL THEN
            v_bad := v_bad || format('%I.%I, which the spec says references the table, does not exist', r.i->>'schema', r.i->>'table');
        ELSIF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c
                           WHERE c.conrelid = format('%I.%I', r.i->>'schema', r.i->>'table')::regclass
                             AND c.confrelid = v_rel AND c.contype = 'f'
                             AND ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY x(attnum, o)
                                         JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = x.attnum ORDER BY x.o)
                                 = ARRAY(SELECT jsonb_array_elements_text(r.i->'columns'))) THEN
            v_bad := v_bad || format('foreign key (%s) of %I.%I to the table is declared but %I.%I has none (add and validate it first)',
                                     array_to_string(ARRAY(SELECT jsonb_array_elements_text(r.i->'columns')), ', '),
                                     r.i->>'schema', r.i->>'table', r.i->>'schema', r.i->>'table');
        END IF;
    END LOOP;
    IF spec ? 'incoming' AND NOT spec ? 'move_guard' AND current_setting('server_version_num')::integer < 150000 THEN
        v_bad := v_bad || 'the migrations were compiled for PostgreSQL 15 or later: before 15, an UPDATE that moves a row to another partition runs the foreign keys'' ON DELETE actions, which the migrations compiled for 14 (--postgres 14) prevent'::text;
    END IF;

    -- what the copy would not carry over
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhparent = v_rel OR i.inhrelid = v_rel) THEN
        v_bad := v_bad || 'the table takes part in table inheritance'::text;
    END IF;
    FOR r IN SELECT c.conname FROM pg_catalog.pg_constraint c WHERE c.conrelid = v_rel AND c.contype = 'x' LOOP
        v_bad := v_bad || format('exclusion constraint %I cannot be carried over to a partitioned table', r.conname);
    END LOOP;
    IF v_owner <> (SELECT r2.oid FROM pg_catalog.pg_roles r2 WHERE r2.rolname = current_user) THEN
        v_bad := v_bad || format('the table belongs to %I: run the conversion as that role, which will own the new table',
                                 pg_catalog.pg_get_userbyid(v_owner));
    END IF;

    -- what is bound to the table by OID and would stay with the old one
    FOR r IN SELECT DISTINCT v.oid::regclass AS view
               FROM pg_catalog.pg_depend d
               JOIN pg_catalog.pg_rewrite w ON w.oid = d.objid
               JOIN pg_catalog.pg_class v ON v.oid = w.ev_class
              WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refobjid = v_rel AND v.oid <> v_rel LOOP
        v_bad := v_bad || format('view %s depends on the table (drop it before and create it again after the swap)', r.view);
    END LOOP;
    FOR r IN SELECT DISTINCT d.objid::regprocedure AS fn FROM pg_catalog.pg_depend d
              WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
                AND d.refobjid = v_rel LOOP
        v_bad := v_bad || format('function %s depends on the table (its body would keep using the old table)', r.fn);
    END LOOP;
    FOR r IN SELECT p.polname, p.polrelid::regclass AS rel FROM pg_catalog.pg_depend d
               JOIN pg_catalog.pg_policy p ON p.oid = d.objid
              WHERE d.classid = 'pg_catalog.pg_policy'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
                AND d.refobjid = v_rel AND p.polrelid <> v_rel LOOP
        v_bad := v_bad || format('policy %I of %s reads the table (it would keep reading the old table)', r.polname, r.rel);
    END LOOP;
    FOR r IN SELECT t.tgname FROM pg_catalog.pg_trigger t
              WHERE t.tgrelid = v_rel AND NOT t.tgisinternal AND t.tgname NOT LIKE 'partc\_sync\_%' LOOP
        v_bad := v_bad || format('trigger %I is on the table (partc does not carry triggers over)', r.tgname);
    END LOOP;
    FOR r IN SELECT p.pubname FROM pg_catalog.pg_publication_rel pr JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid
              WHERE pr.prrelid = v_rel LOOP
        v_bad := v_bad || format('the table is in publication %I (add the new table to it after the swap, then remove it here)', r.pubname);
    END LOOP;

    -- security: what the live table has, the spec declares
    IF v_rls AND NOT (spec->>'rls')::boolean THEN
        v_bad := v_bad || 'row-level security is enabled on the table but security.rls is not true'::text;
    END IF;
    FOR r IN SELECT p.polname::text AS name FROM pg_catalog.pg_policy p WHERE p.polrelid = v_rel LOOP
        IF NOT spec->'policies' ? r.name THEN
            v_bad := v_bad || format('policy %I is not declared under security.policies', r.name);
        END IF;
    END LOOP;
    FOR r IN SELECT CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(x.grantee)::text END AS role,
                    lower(x.privilege_type) AS priv
               FROM pg_catalog.pg_class c, LATERAL aclexplode(c.relacl) x
              WHERE c.oid = v_rel AND x.grantee <> v_owner LOOP
        IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(spec->'grants') g
                        WHERE g->>'role' = r.role AND (g->'privileges' ? r.priv OR g->'privileges' ? 'all')) THEN
            v_bad := v_bad || format('%s holds %s on the table; declare it under security.grants', r.role, upper(r.priv));
        END IF;
    END LOOP;
    IF (v_rls OR (spec->>'rls')::boolean)
       AND NOT (SELECT r2.rolsuper OR r2.rolbypassrls FROM pg_catalog.pg_roles r2 WHERE r2.rolname = current_user) THEN
        v_bad := v_bad || format('role %I cannot bypass row-level security, so the copy could miss rows', current_user);
    END IF;

    IF cardinality(v_bad) > 0 THEN
        RAISE EXCEPTION 'partc: % does not match its spec:%', v_table, E'\n  - ' || array_to_string(v_bad, E'\n  - ')
            USING HINT = 'change the table or the spec until they agree; nothing was changed';
    END IF;
END
${{tag}}$;

-- A conversion's own relations and functions, by the table's registered row:
-- <table>_<what> in its schema (sync_log, backfill_state, sync_replay,
-- backfill_indexes), and the table, its shadow and its old name.
CREATE FUNCTION {{rt}}.conv_name(v {{rt}}.tables, p_what text)
RETURNS text
LANGUAGE sql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
    SELECT format('%I.%I', v.schema_name, CASE p_what WHEN 'table' THEN v.table_name
                                                      WHEN 'shadow' THEN v.shadow_name
                                                      WHEN 'old' THEN v.old_name
                                                      ELSE v.table_name || '_' || p_what END)
${{tag}}$;

-- Refuses when the two tables' columns (names and types, in order) differ:
-- the sync copies whole rows.
CREATE FUNCTION {{rt}}.same_columns(p_a regclass, p_b regclass, p_since text, p_hint text)
RETURNS void
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
BEGIN
    IF (SELECT array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
          FROM pg_attribute a WHERE a.attrelid = p_a AND a.attnum > 0 AND NOT a.attisdropped)
       IS DISTINCT FROM
       (SELECT array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
          FROM pg_attribute a WHERE a.attrelid = p_b AND a.attnum > 0 AND NOT a.attisdropped) THEN
        RAISE EXCEPTION 'partc: the columns of % and % differ: a table changed %', p_a, p_b, p_since
            USING HINT = p_hint;
    END IF;
END
${{tag}}$;

-- Every row of the live table has a partition of the shadow to go to
-- (partc.max_key, from the preflight, is its largest key).
CREATE FUNCTION {{rt}}.range_check(p_schema text, p_table text)
RETURNS void
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v      {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_sh   regclass := {{rt}}.conv_name(v, 'shadow')::regclass;
    v_max  text := nullif(current_setting('partc.max_key', true), '');
    v_high timestamptz;
BEGIN
    IF v_max IS NULL OR EXISTS (SELECT 1 FROM pg_partitioned_table p WHERE p.partrelid = v_sh AND p.partdefid <> 0) THEN
        RETURN;
    END IF;
    SELECT max(b.upper_bound) INTO v_high FROM {{rt}}.bounds(v_sh) b;
    IF v_max::timestamptz >= v_high THEN
        RAISE EXCEPTION 'partc: %.% holds rows with % = %, beyond the last partition (up to %)',
            quote_ident(p_schema), quote_ident(p_table), v.key_column, v_max, v_high
            USING HINT = 'raise partition.premake, or set partition.default_partition: true to catch such rows';
    END IF;
END
${{tag}}$;

-- Switches a conversion's sync triggers to one mode: capture | forward |
-- reverse | off, or drops them all (drop).  ALTER TABLE ... ENABLE/DISABLE
-- TRIGGER takes SHARE ROW EXCLUSIVE, not the ACCESS EXCLUSIVE of
-- CREATE/DROP TRIGGER; ENABLE ALWAYS fires under session_replication_role =
-- replica too.
CREATE FUNCTION {{rt}}.sync_mode(p_schema text, p_table text, p_mode text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v       {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_table regclass := to_regclass({{rt}}.conv_name(v, 'table'));
    v_on    boolean;
    r       record;
BEGIN
    IF p_mode NOT IN ('capture', 'forward', 'reverse', 'off', 'drop') THEN
        RAISE EXCEPTION 'partc: unknown sync mode %', p_mode;
    END IF;
    FOR r IN SELECT t.tgrelid::regclass AS rel, t.tgname, t.tgenabled
               FROM pg_trigger t
              WHERE t.tgrelid IN (SELECT x FROM unnest(ARRAY[v_table, to_regclass({{rt}}.conv_name(v, 'shadow')),
                                                             to_regclass({{rt}}.conv_name(v, 'old'))]) x
                                   WHERE x IS NOT NULL)
                AND t.tgparentid = 0 AND t.tgname LIKE 'partc\_sync\_%'
              ORDER BY t.tgrelid, t.tgname LOOP
        IF p_mode = 'drop' THEN
            EXECUTE format('DROP TRIGGER %I ON %s', r.tgname, r.rel);
            CONTINUE;
        END IF;
        v_on := CASE
            WHEN r.tgname LIKE 'partc\_sync\_capture\_%' THEN p_mode = 'capture'
            WHEN r.tgname LIKE 'partc\_sync\_forward\_%' THEN p_mode = 'forward'
            WHEN r.tgname LIKE 'partc\_sync\_reverse\_%' THEN p_mode = 'reverse'
            -- the guard: on the table while it is copied and mirrored, on
            -- both tables after the swap
            ELSE (p_mode IN ('capture', 'forward') AND r.rel = v_table) OR p_mode = 'reverse' END;
        IF v_on AND r.tgenabled <> 'A' THEN
            EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', r.rel, r.tgname);
        ELSIF NOT v_on AND r.tgenabled <> 'D' THEN
            EXECUTE format('ALTER TABLE %s DISABLE TRIGGER %I', r.rel, r.tgname);
        END IF;
    END LOOP;
END
${{tag}}$;

-- Starts each transaction of a backfill: a pinned search_path, READ
-- COMMITTED, the lock that keeps a second backfill of the table out, and
-- the same columns on both tables.  (No SET clause: its settings must
-- outlive the call.)
CREATE FUNCTION {{rt}}.backfill_begin(p_schema text, p_table text)
RETURNS void
LANGUAGE plpgsql
AS ${{tag}}$
DECLARE
    v       {{rt}}.tables;
    v_table text;
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    v := {{rt}}.table_of(p_schema, p_table);
    v_table := {{rt}}.conv_name(v, 'table');
    IF pg_catalog.current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'partc: the backfill must run in READ COMMITTED transactions';
    END IF;
    IF NOT pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtextextended(v_table || ' backfill', 0)) THEN
        RAISE EXCEPTION 'partc: another session is running the backfill of %', v_table;
    END IF;
    -- rows are copied whole: a column added, dropped or changed on either
    -- table since prepare would shift them
    IF pg_catalog.to_regclass({{rt}}.conv_name(v, 'shadow')) IS NOT NULL THEN
        PERFORM {{rt}}.same_columns(v_table::regclass, {{rt}}.conv_name(v, 'shadow')::regclass, 'during the conversion',
                                    'roll back the backfill and the prepare phase, and convert again');
    END IF;
END
${{tag}}$;

-- The name of the pg_cron job that runs a conversion's backfill (at most 63
-- bytes, which pg_cron keeps).
CREATE FUNCTION {{rt}}.backfill_job_name(p_schema text, p_table text)
RETURNS text
LANGUAGE sql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
SELECT CASE WHEN pg_catalog.octet_length(pg_catalog.format('partc:%s.%s:backfill', p_schema, p_table)) <= 63
            THEN pg_catalog.format('partc:%s.%s:backfill', p_schema, p_table)
            -- pg_cron keeps a job's name as a name (63 bytes)
            ELSE 'partc:' || pg_catalog.md5(pg_catalog.format('%s.%s', p_schema, p_table)) || ':backfill' END
${{tag}}$;

-- Starts a conversion's backfill as a pg_cron job (migrate.backfill_in:
-- pg_cron) and returns: the job calls backfill_job every minute until the
-- copy is done (a run resumes where the last committed batch ended; pg_cron
-- never runs a job twice at once), then removes itself.  Without pg_cron the
-- copy runs here, as with backfill_in: migration.  CALL it outside a
-- transaction block.
CREATE PROCEDURE {{rt}}.backfill_start(p_schema text, p_table text)
LANGUAGE plpgsql
AS ${{tag}}$
DECLARE
    v_cron  text := 'cron';  -- pg_cron's schema, which may not exist
    v_job   text;
    v_state text;
    v_phase text;
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    v_job := {{rt}}.backfill_job_name(p_schema, p_table);
    v_state := {{rt}}.conv_name({{rt}}.table_of(p_schema, p_table), 'backfill_state');
    EXECUTE pg_catalog.format('SELECT s.phase FROM %s s', v_state) INTO v_phase;
    IF v_phase IN ('done', 'swapped') THEN
        RAISE NOTICE 'partc: the backfill of %.% is done already', p_schema, p_table;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron') THEN
        RAISE NOTICE 'partc: pg_cron is not installed: the backfill of %.% runs in this migration', p_schema, p_table;
        CALL {{rt}}.backfill(p_schema, p_table);
        RETURN;
    END IF;
    EXECUTE pg_catalog.format('SELECT %I.schedule($1, $2, $3)', v_cron)
        USING v_job, '* * * * *', pg_catalog.format('CALL %I.backfill_job(%L, %L)', {{rt_lit}}, p_schema, p_table);
    RAISE NOTICE 'partc: the backfill of %.% runs as pg_cron job %; its progress: SELECT * FROM %.conversions(); the swap refuses until it is done',
        p_schema, p_table, v_job, {{rt_lit}};
END
${{tag}}$;

-- What the pg_cron job of backfill_start runs: the backfill, then, once it
-- is done, the job's removal.
CREATE PROCEDURE {{rt}}.backfill_job(p_schema text, p_table text)
LANGUAGE plpgsql
AS ${{tag}}$
DECLARE
    v_cron  text := 'cron';
    v_state text;
    v_phase text;
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    v_state := {{rt}}.conv_name({{rt}}.table_of(p_schema, p_table), 'backfill_state');
    EXECUTE pg_catalog.format('SELECT s.phase FROM %s s', v_state) INTO v_phase;
    IF v_phase NOT IN ('done', 'swapped') THEN
        CALL {{rt}}.backfill(p_schema, p_table);
        PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
        EXECUTE pg_catalog.format('SELECT s.phase FROM %s s', v_state) INTO v_phase;
    END IF;
    IF v_phase IN ('done', 'swapped') THEN
        EXECUTE pg_catalog.format('SELECT %I.unschedule($1)', v_cron) USING {{rt}}.backfill_job_name(p_schema, p_table);
    END IF;
END
${{tag}}$;

-- Stops a conversion's backfill job, if there is one: unscheduled, and a run
-- in progress cancelled (its committed batches stay until the reset).
CREATE FUNCTION {{rt}}.backfill_stop(p_schema text, p_table text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v_cron text := 'cron';
    v_job  bigint;
BEGIN
    -- no pg_cron, or no access to it (then this role started no job)
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron')
       OR NOT has_schema_privilege(v_cron, 'USAGE') THEN
        RETURN;
    END IF;
    EXECUTE format('SELECT j.jobid FROM %I.job j WHERE j.jobname = $1', v_cron)
        INTO v_job USING {{rt}}.backfill_job_name(p_schema, p_table);
    IF v_job IS NULL THEN
        RETURN;
    END IF;
    EXECUTE format('SELECT %I.unschedule($1)', v_cron) USING v_job;
    EXECUTE format('SELECT pg_cancel_backend(d.job_pid) FROM %I.job_run_details d WHERE d.jobid = $1 AND d.status = %L',
                   v_cron, 'running')
        USING v_job;
END
${{tag}}$;

-- Where each conversion stands: the runtime's phase, the backfill's (new,
-- copy, index, replay, switch, verify, done, swapped) and its progress, and
-- the backfill's pg_cron job with its last run (NULL without one).
CREATE FUNCTION {{rt}}.conversions()
RETURNS TABLE (schema_name text, table_name text, phase text, backfill text, rows_copied bigint,
               pages_done bigint, pages_total bigint, started_at timestamptz, finished_at timestamptz,
               job text, job_status text, job_message text)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v    {{rt}}.tables;
    v_st regclass;
    v_cron_ok boolean := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron');
BEGIN
    FOR v IN SELECT * FROM {{rt}}.tables t WHERE t.phase <> 'live' ORDER BY t.schema_name, t.table_name LOOP
        schema_name := v.schema_name;
        table_name := v.table_name;
        phase := v.phase;
        backfill := NULL; rows_copied := NULL; pages_done := NULL; pages_total := NULL;
        started_at := NULL; finished_at := NULL; job := NULL; job_status := NULL; job_message := NULL;
        v_st := to_regclass({{rt}}.conv_name(v, 'backfill_state'));
        IF v_st IS NOT NULL THEN
            EXECUTE format('SELECT s.phase, s.rows_copied, s.next_page, s.started_at, s.finished_at FROM %s s', v_st)
                INTO backfill, rows_copied, pages_done, started_at, finished_at;
            pages_total := (SELECT c.relpages::bigint FROM pg_class c WHERE c.oid = to_regclass({{rt}}.conv_name(v, 'table')));
        END IF;
        IF v_cron_ok THEN
            EXECUTE format('SELECT j.jobname, d.status, d.return_message FROM %I.job j '
                           'LEFT JOIN LATERAL (SELECT * FROM %I.job_run_details r WHERE r.jobid = j.jobid '
                           'ORDER BY r.runid DESC LIMIT 1) d ON true WHERE j.jobname = $1', 'cron', 'cron')
                INTO job, job_status, job_message USING {{rt}}.backfill_job_name(v.schema_name, v.table_name);
        END IF;
        RETURN NEXT;
    END LOOP;
END
${{tag}}$;

-- Undoes a backfill: the shadow is emptied and its keys rebuilt, the sync
-- triggers record keys again.  Refused after the swap.
CREATE FUNCTION {{rt}}.backfill_reset(p_schema text, p_table text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v       {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_state text := {{rt}}.conv_name(v, 'backfill_state');
    v_phase text;
BEGIN
    EXECUTE format('SELECT s.phase FROM %s s', v_state) INTO v_phase;
    IF v_phase = 'swapped' THEN
        RAISE EXCEPTION 'partc: %.% has been swapped; roll the swap back first', quote_ident(p_schema), quote_ident(p_table);
    END IF;
    IF {{rt}}.conv_method(v) = 'attach' THEN
        PERFORM {{rt}}.attach_reset(p_schema, p_table);
        RETURN;
    END IF;
    PERFORM {{rt}}.backfill_stop(p_schema, p_table);
    IF pg_catalog.to_regclass({{rt}}.conv_name(v, 'rewire')) IS NOT NULL THEN
        PERFORM {{rt}}.rewire_reset(p_schema, p_table);
    END IF;
    PERFORM set_config('lock_timeout', v.conv_lock_timeout, true);
    EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', {{rt}}.conv_name(v, 'table'));
    PERFORM {{rt}}.sync_mode(p_schema, p_table, 'capture');
    EXECUTE format('TRUNCATE %s', {{rt}}.conv_name(v, 'shadow'));
    EXECUTE format('SELECT %s(true)', {{rt}}.conv_name(v, 'backfill_indexes'));
    EXECUTE format('TRUNCATE %s', {{rt}}.conv_name(v, 'sync_log'));
    EXECUTE format('UPDATE %s SET phase = ''new'', next_page = 0, rows_copied = 0, filenode = NULL, '
                   'started_at = NULL, finished_at = NULL', v_state);
END
${{tag}}$;

-- A conversion's backfill: copies the table into the shadow in batches of
-- about p_batch_rows rows (the registered batch_rows when NULL), one
-- transaction each, by ranges of heap pages; builds the keys and indexes;
-- applies the sync log; then, under a short lock that holds writers back,
-- switches the triggers to mirroring and checks that both tables hold the
-- same number of rows.  Interrupted, it resumes where the last committed
-- batch ended.  Run it with CALL, outside a transaction block.  With a
-- registered statement_limit, a batch that takes more than a quarter of it
-- makes the next ones smaller (a SET inside a procedure cannot time its
-- transactions: the session's statement_timeout times the whole CALL).
CREATE PROCEDURE {{rt}}.backfill(p_schema text, p_table text, p_batch_rows integer DEFAULT NULL,
                                 p_pause interval DEFAULT NULL)
LANGUAGE plpgsql
AS ${{tag}}$
DECLARE
    v        {{rt}}.tables;
    v_table  text;
    v_shadow text;
    v_log    text;
    v_state  text;
    v_replay text;
    v_index  text;
    v_copy   text;
    v_rows   integer;
    v_pause  interval;
    -- the state row, field by field
    st_phase text;
    st_next  bigint;
    st_pages bigint;
    st_rows  bigint;
    st_node  oid;
    v_read   text;
    v_pages  bigint;
    v_hi     bigint;
    v_n      bigint;
    v_t0     timestamptz := pg_catalog.clock_timestamp();
    v_said   timestamptz := pg_catalog.clock_timestamp();
    v_tries  integer := 0;
    v_ok     boolean;
    v_a      bigint;
    v_b      bigint;
    v_b0     timestamptz;
    v_next   bigint;
BEGIN
    IF pg_catalog.current_setting('statement_timeout') <> '0' THEN
        RAISE NOTICE 'partc: statement_timeout is %: the backfill stops then; call it again to resume, or SET statement_timeout = 0 first',
            pg_catalog.current_setting('statement_timeout');
    END IF;
    -- method attach: nothing is copied
    IF {{rt}}.conv_method({{rt}}.table_of(p_schema, p_table)) = 'attach' THEN
        CALL {{rt}}.attach_backfill(p_schema, p_table);
        RETURN;
    END IF;
    -- every transaction of the backfill is READ COMMITTED: each statement
    -- must see what writers committed before it (and COMMIT here refuses a
    -- call inside a transaction block)
    COMMIT;
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
    PERFORM {{rt}}.backfill_begin(p_schema, p_table);
    v := {{rt}}.table_of(p_schema, p_table);
    v_table := {{rt}}.conv_name(v, 'table');
    v_shadow := {{rt}}.conv_name(v, 'shadow');
    v_log := {{rt}}.conv_name(v, 'sync_log');
    v_state := {{rt}}.conv_name(v, 'backfill_state');
    v_replay := {{rt}}.conv_name(v, 'sync_replay');
    v_index := {{rt}}.conv_name(v, 'backfill_indexes');
    v_rows := coalesce(p_batch_rows, v.batch_rows);
    v_pause := coalesce(p_pause, v.batch_pause, interval '0');
    -- one batch: a range of pages, less the rows whose key the log holds
    -- (the replay copies those); one statement a batch, never one a row
    v_copy := format('INSERT INTO %s OVERRIDING SYSTEM VALUE SELECT o.* FROM %s o '
                     'WHERE o.ctid >= pg_catalog.format(''(%%s,0)'', $1)::tid AND o.ctid < pg_catalog.format(''(%%s,0)'', $2)::tid '
                     'AND NOT EXISTS (SELECT 1 FROM %s l WHERE %s)',
                     v_shadow, v_table, v_log,
                     (SELECT string_agg(format('l.%1$I = o.%1$I', c), ' AND ' ORDER BY n)
                        FROM unnest(v.identity_columns) WITH ORDINALITY AS k(c, n)));
    v_read := format('SELECT s.phase, s.next_page, s.batch_pages, s.rows_copied, s.filenode FROM %s s', v_state);
    IF v_rows < 1 THEN
        RAISE EXCEPTION 'partc: p_batch_rows must be at least 1';
    END IF;
    -- incoming_foreign_keys: rewire: the referencing tables first
    IF pg_catalog.to_regclass({{rt}}.conv_name(v, 'rewire')) IS NOT NULL THEN
        CALL {{rt}}.rewire_fill(p_schema, p_table, v_rows, v_pause);
        COMMIT;
        SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
        PERFORM {{rt}}.backfill_begin(p_schema, p_table);
    END IF;
    EXECUTE v_read INTO st_phase, st_next, st_pages, st_rows, st_node;
    IF st_phase IN ('done', 'swapped') THEN
        RAISE NOTICE 'partc: the backfill of % is complete already', v_table;
        RETURN;
    END IF;
    IF st_phase <> 'new' THEN
        RAISE NOTICE 'partc: resuming the backfill of % (phase %, % rows copied)', v_table, st_phase, st_rows;
    END IF;

    LOOP
        EXECUTE v_read INTO st_phase, st_next, st_pages, st_rows, st_node;
        EXIT WHEN st_phase NOT IN ('new', 'copy');
        IF st_phase = 'new' THEN
            -- start from an empty shadow without keys; what is in the log
            -- now is in the table too
            EXECUTE format('TRUNCATE %s', v_shadow);
            EXECUTE format('DELETE FROM %s', v_log);
            EXECUTE format('SELECT %s(false)', v_index);
            EXECUTE format('UPDATE %s SET phase = ''copy'', next_page = 0, rows_copied = 0, filenode = $1, '
                           'batch_pages = $2, started_at = pg_catalog.clock_timestamp()', v_state)
                USING pg_catalog.pg_relation_filenode(v_table::regclass),
                      greatest(1, ceil(v_rows / greatest(1.0,
                          (SELECT CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN c.reltuples / c.relpages ELSE 50 END
                             FROM pg_catalog.pg_class c WHERE c.oid = v_table::regclass))))::bigint;
            COMMIT;
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
            PERFORM {{rt}}.backfill_begin(p_schema, p_table);
            CONTINUE;
        END IF;
        IF pg_catalog.pg_relation_filenode(v_table::regclass) IS DISTINCT FROM st_node THEN
            RAISE NOTICE 'partc: % was rewritten (VACUUM FULL, CLUSTER or ALTER TABLE): copying again from the start',
                v_table;
            EXECUTE format('UPDATE %s SET phase = ''new''', v_state);
            COMMIT;
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
            PERFORM {{rt}}.backfill_begin(p_schema, p_table);
            CONTINUE;
        END IF;
        v_pages := pg_catalog.pg_relation_size(v_table::regclass) / pg_catalog.current_setting('block_size')::bigint;
        IF st_next >= v_pages THEN
            EXECUTE format('UPDATE %s SET phase = ''index''', v_state);
            COMMIT;
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
            PERFORM {{rt}}.backfill_begin(p_schema, p_table);
            RAISE NOTICE 'partc: % copied: % rows in % s', v_table, st_rows,
                round(extract(epoch FROM pg_catalog.clock_timestamp() - v_t0)::numeric, 1);
            EXIT;
        END IF;
        PERFORM pg_catalog.set_config('synchronous_commit', 'off', true);
        v_hi := least(st_next + st_pages, v_pages);
        v_b0 := pg_catalog.clock_timestamp();
        EXECUTE v_copy USING st_next, v_hi;
        GET DIAGNOSTICS v_n = ROW_COUNT;
        v_next := CASE WHEN v_n = 0 THEN st_pages * 2
                       ELSE greatest(1, least(st_pages * 4,
                            ceil(st_pages * v_rows::numeric / v_n)::bigint)) END;
        IF v.statement_limit > interval '0' AND pg_catalog.clock_timestamp() - v_b0 > v.statement_limit / 4 THEN
            v_next := least(v_next, greatest(1, floor(st_pages * extract(epoch FROM v.statement_limit / 4)
                                                       / extract(epoch FROM pg_catalog.clock_timestamp() - v_b0))::bigint));
        END IF;
        EXECUTE format('UPDATE %s SET next_page = $1, rows_copied = rows_copied + $2, batch_pages = $3', v_state)
            USING v_hi, v_n, v_next;
        COMMIT;
        SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
        PERFORM {{rt}}.backfill_begin(p_schema, p_table);
        IF pg_catalog.clock_timestamp() - v_said >= interval '5 seconds' THEN
            v_said := pg_catalog.clock_timestamp();
            RAISE NOTICE 'partc: % backfill: % rows, % %% of the pages, % rows/s', v_table,
                st_rows + v_n, round(100.0 * v_hi / greatest(v_pages, 1), 1),
                round((st_rows + v_n) / greatest(extract(epoch FROM pg_catalog.clock_timestamp() - v_t0), 0.001));
        END IF;
        IF v_pause > interval '0' THEN
            PERFORM pg_catalog.pg_sleep_for(v_pause);
        END IF;
    END LOOP;

    EXECUTE v_read INTO st_phase, st_next, st_pages, st_rows, st_node;
    IF st_phase = 'index' THEN
        RAISE NOTICE 'partc: building the keys and indexes of %', v_shadow;
        EXECUTE format('SELECT %s(true)', v_index);
        EXECUTE format('UPDATE %s SET phase = ''replay''', v_state);
        COMMIT;
        SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
        PERFORM {{rt}}.backfill_begin(p_schema, p_table);
        st_phase := 'replay';
    END IF;

    IF st_phase = 'replay' THEN
        -- rows written during the copy, until less than a batch is left
        LOOP
            PERFORM pg_catalog.set_config('synchronous_commit', 'off', true);
            EXECUTE format('SELECT %s($1)', v_replay) INTO v_n USING v_rows;
            COMMIT;
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
            PERFORM {{rt}}.backfill_begin(p_schema, p_table);
            EXIT WHEN v_n < v_rows;
        END LOOP;
        EXECUTE format('UPDATE %s SET phase = ''switch''', v_state);
        COMMIT;
        SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
        PERFORM {{rt}}.backfill_begin(p_schema, p_table);
        st_phase := 'switch';
    END IF;

    IF st_phase = 'switch' THEN
        -- the last entries and the switch to mirroring, with writers held
        -- back for as long as that takes
        LOOP
            v_ok := false;
            BEGIN
                PERFORM pg_catalog.set_config('lock_timeout', v.conv_lock_timeout, true);
                EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', v_table);
                LOOP
                    EXECUTE format('SELECT %s($1)', v_replay) INTO v_n USING 1000000;
                    EXIT WHEN v_n = 0;
                END LOOP;
                PERFORM {{rt}}.sync_mode(p_schema, p_table, 'forward');
                EXECUTE format('UPDATE %s SET phase = ''verify''', v_state);
                v_ok := true;
            EXCEPTION WHEN lock_not_available THEN
                v_tries := v_tries + 1;
                IF v_tries >= 30 THEN
                    RAISE EXCEPTION 'partc: could not lock % for the switch to mirroring in % tries', v_table, v_tries
                        USING HINT = 'call the backfill again when the table is less busy; it resumes here';
                END IF;
                RAISE NOTICE 'partc: % is busy, trying again (% of 30)', v_table, v_tries;
            END;
            COMMIT;
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
            PERFORM {{rt}}.backfill_begin(p_schema, p_table);
            EXIT WHEN v_ok;
            EXECUTE format('SELECT %s($1)', v_replay) INTO v_n USING v_rows;
            COMMIT;
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
            PERFORM {{rt}}.backfill_begin(p_schema, p_table);
            PERFORM pg_catalog.pg_sleep(1);
        END LOOP;
        st_phase := 'verify';
    END IF;

    IF st_phase = 'verify' THEN
        -- every write since the switch reached both tables in one
        -- transaction, so one snapshot sees the same count in both
        EXECUTE format('SELECT (SELECT count(*) FROM %s), (SELECT count(*) FROM %s)', v_table, v_shadow) INTO v_a, v_b;
        IF v_a <> v_b THEN
            RAISE EXCEPTION 'partc: the backfill of % does not verify: % rows in the table, % in %',
                v_table, v_a, v_b, v_shadow
                USING HINT = 'roll the backfill back (its down migration) and run it again';
        END IF;
        EXECUTE format('ANALYZE %s', v_shadow);
        EXECUTE format('UPDATE %s SET phase = ''done'', finished_at = pg_catalog.clock_timestamp()', v_state);
        COMMIT;
        RAISE NOTICE 'partc: the backfill of % is done: % rows in both tables', v_table, v_a;
    END IF;
END
${{tag}}$;

-- incoming_foreign_keys: rewire.  The backfill's first part: the new column
-- of each referencing table (the state table <table>_rewire lists them) is
-- filled in batches of about p_batch_rows rows, by ranges of heap pages,
-- one transaction each; the fill trigger of the column does the work, as
-- for a row an application writes.  Interrupted, it resumes after the last
-- committed batch.  A row that an update moved behind the pass is found
-- by a count at its end, and a pass more fills it.  Then, where the
-- foreign key's columns are NOT NULL, so is the column, without a long
-- lock: CHECK (column IS NOT NULL) NOT VALID, VALIDATE (SHARE UPDATE
-- EXCLUSIVE: writers go on), SET NOT NULL (the check spares it a scan),
-- and the check dropped; each short lock waits at most lock_timeout per
-- attempt.  Called by backfill, inside its READ COMMITTED transactions.
CREATE PROCEDURE {{rt}}.rewire_fill(p_schema text, p_table text, p_batch_rows integer, p_pause interval)
LANGUAGE plpgsql
AS ${{tag}}$
DECLARE
    v       {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_rw    text := {{rt}}.conv_name(v, 'rewire');
    v_pos   bigint;
    -- the state row, field by field
    rw_ref   text;
    rw_cols  text[];
    rw_col   text;
    rw_nn    boolean;
    rw_check text;
    rw_phase text;
    rw_next  bigint;
    rw_rows  bigint;
    v_rel   regclass;
    v_has   text;
    v_upd   text;
    v_per   bigint;
    v_pages bigint;
    v_n     bigint;
    v_pass  integer;
    v_why   text;
    v_gave  integer := 0;
    v_said  timestamptz := pg_catalog.clock_timestamp();
    rw_refcols text[];
    v_range text;
    v_match text;
    v_lock  text;
    -- each lock of the fill waits less than deadlock_timeout
    v_lt    text := {{rt}}.give_way_timeout(v.conv_lock_timeout);
BEGIN
    FOR v_pos IN EXECUTE format('SELECT position FROM %s ORDER BY position', v_rw) LOOP
        v_pass := 0;
        LOOP
            EXECUTE format('SELECT ref_table, fk_columns, key_column, not_null, check_name, phase, next_page, rows_filled '
                           'FROM %s WHERE position = $1', v_rw)
                INTO rw_ref, rw_cols, rw_col, rw_nn, rw_check, rw_phase, rw_next, rw_rows USING v_pos;
            EXIT WHEN rw_phase = 'done';
            v_why := NULL;
            v_rel := rw_ref::regclass;
            -- the referenced columns: those of the foreign key
            SELECT ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY x(attnum, o)
                           JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = x.attnum ORDER BY x.o)
              INTO rw_refcols
              FROM pg_catalog.pg_constraint c
             WHERE c.conrelid = v_rel AND c.contype = 'f'
               AND c.confrelid = {{rt}}.conv_name(v, 'table')::regclass
               AND ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY x(attnum, o)
                           JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = x.attnum ORDER BY x.o) = rw_cols;
            IF rw_refcols IS NULL THEN
                RAISE EXCEPTION 'partc: % has no foreign key (%) into % any more', v_rel, array_to_string(rw_cols, ', '),
                    {{rt}}.conv_name(v, 'table')
                    USING HINT = 'add it back as the spec declares it, or roll the conversion back';
            END IF;
            v_has := (SELECT string_agg(format('%I IS NOT NULL', c), ' AND ') FROM unnest(rw_cols) c);
            IF rw_phase = 'fill' THEN
                v_pages := pg_catalog.pg_relation_size(v_rel) / pg_catalog.current_setting('block_size')::bigint;
                IF rw_next >= v_pages THEN
                    -- the pass is over: every row with a foreign key has its column?
                    EXECUTE format('SELECT count(*) FROM %s WHERE %I IS NULL AND %s', v_rel, rw_col, v_has)
                        INTO v_n;
                    IF v_n = 0 THEN
                        EXECUTE format('UPDATE %s SET phase = $2 WHERE position = $1', v_rw)
                            USING v_pos, CASE WHEN rw_nn THEN 'not_null' ELSE 'done' END;
                        RAISE NOTICE 'partc: %.% filled: % rows', v_rel, rw_col, rw_rows;
                    ELSE
                        v_pass := v_pass + 1;
                        IF v_pass > 10 THEN
                            RAISE EXCEPTION 'partc: % rows of % still lack % after 10 passes', v_n, v_rel, rw_col
                                USING HINT = 'call the backfill again when the table is less busy';
                        END IF;
                        EXECUTE format('UPDATE %s SET next_page = 0 WHERE position = $1', v_rw) USING v_pos;
                    END IF;
                ELSE
                    v_per := greatest(1, ceil(p_batch_rows / greatest(1.0,
                                 (SELECT CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN c.reltuples / c.relpages
                                              ELSE 50 END
                                    FROM pg_catalog.pg_class c WHERE c.oid = v_rel))))::bigint;
                    -- the referenced rows are locked first (FOR KEY SHARE, as the foreign
                    -- key locks them), then the batch's rows take their key (their fill
                    -- trigger checks it): the order of a delete that cascades; a lock not
                    -- granted within lock_timeout (less than deadlock_timeout) gives way,
                    -- so that in a deadlock the batch is the one tried again
                    v_range := format('r.ctid >= pg_catalog.format(''(%%s,0)'', $1)::tid AND r.ctid < pg_catalog.format(''(%%s,0)'', $2)::tid '
                                      'AND r.%I IS NULL AND %s', rw_col,
                                      (SELECT string_agg(format('r.%I IS NOT NULL', c), ' AND ') FROM unnest(rw_cols) c));
                    v_match := (SELECT string_agg(format('r.%I = o.%I', c, rc), ' AND ' ORDER BY n)
                                  FROM unnest(rw_cols, rw_refcols) WITH ORDINALITY u(c, rc, n));
                    v_lock := format('SELECT count(*) FROM (SELECT 1 FROM %s r JOIN %s o ON %s WHERE %s FOR KEY SHARE OF o) x',
                                     v_rel, {{rt}}.conv_name(v, 'table')::regclass, v_match, v_range);
                    v_upd := format('UPDATE %s r SET %I = o.%I FROM %s o WHERE %s AND %s', v_rel, rw_col, v.key_column,
                                    {{rt}}.conv_name(v, 'table')::regclass, v_range, v_match);
                    PERFORM pg_catalog.set_config('lock_timeout', v_lt, true);
                    BEGIN
                        EXECUTE v_lock USING rw_next, rw_next + v_per;
                        EXECUTE v_upd USING rw_next, rw_next + v_per;
                        GET DIAGNOSTICS v_n = ROW_COUNT;
                    EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
                        v_gave := v_gave + 1;
                        IF v_gave > 50 THEN
                            RAISE EXCEPTION 'partc: filling %.% gave way to writers 50 times in a row (%)', v_rel, rw_col, SQLERRM
                                USING HINT = 'apply the backfill again when the table is less busy (it resumes)';
                        END IF;
                        PERFORM pg_catalog.pg_sleep(0.05 * least(v_gave, 10));
                        CONTINUE;
                    END;
                    v_gave := 0;
                    EXECUTE format('UPDATE %s SET next_page = $2, rows_filled = rows_filled + $3 WHERE position = $1', v_rw)
                        USING v_pos, rw_next + v_per, v_n;
                    IF pg_catalog.clock_timestamp() - v_said >= interval '5 seconds' THEN
                        v_said := pg_catalog.clock_timestamp();
                        RAISE NOTICE 'partc: filling %.%: % rows, % %% of the pages', v_rel, rw_col, rw_rows + v_n,
                            round(100.0 * least(rw_next + v_per, v_pages) / greatest(v_pages, 1), 1);
                    END IF;
                END IF;
            ELSE
                -- phase not_null: each statement is idempotent, so a call again resumes
                PERFORM pg_catalog.set_config('lock_timeout', v.conv_lock_timeout, true);
                IF NOT (SELECT a.attnotnull FROM pg_catalog.pg_attribute a
                         WHERE a.attrelid = v_rel AND a.attname = rw_col) THEN
                    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c
                                    WHERE c.conrelid = v_rel AND c.conname = rw_check) THEN
                        v_why := {{rt}}.attempt(v_rel, ARRAY[format('ALTER TABLE %s ADD CONSTRAINT %I CHECK (%I IS NOT NULL) NOT VALID',
                                                                   v_rel, rw_check, rw_col)]);
                    ELSIF NOT (SELECT c.convalidated FROM pg_catalog.pg_constraint c
                                WHERE c.conrelid = v_rel AND c.conname = rw_check) THEN
                        EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', v_rel, rw_check);
                    ELSE
                        v_why := {{rt}}.attempt(v_rel, ARRAY[format('ALTER TABLE %s ALTER COLUMN %I SET NOT NULL',
                                                                   v_rel, rw_col)]);
                    END IF;
                ELSIF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = v_rel AND c.conname = rw_check) THEN
                    v_why := {{rt}}.attempt(v_rel, ARRAY[format('ALTER TABLE %s DROP CONSTRAINT %I', v_rel, rw_check)]);
                ELSE
                    EXECUTE format('UPDATE %s SET phase = ''done'' WHERE position = $1', v_rw) USING v_pos;
                    RAISE NOTICE 'partc: %.% is NOT NULL', v_rel, rw_col;
                END IF;
                IF v_why IS NOT NULL THEN
                    RAISE EXCEPTION 'partc: making %.% NOT NULL did not get its lock: %', v_rel, rw_col, v_why
                        USING HINT = 'apply the backfill again when the table is less busy (it resumes)';
                END IF;
            END IF;
            COMMIT;
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
            PERFORM {{rt}}.backfill_begin(p_schema, p_table);
            IF rw_phase = 'fill' AND p_pause > interval '0' THEN
                PERFORM pg_catalog.pg_sleep_for(p_pause);
            END IF;
        END LOOP;
    END LOOP;
END
${{tag}}$;

-- The rollback of rewire_fill, in the rollback of the backfill: a foreign
-- key into the table that the rollback of a swap left NOT VALID is
-- validated (SHARE UPDATE EXCLUSIVE on the referencing table: writers go
-- on), the new columns lose their NOT NULL (and an unfinished check), and
-- the next backfill fills them again where they are NULL.
CREATE FUNCTION {{rt}}.rewire_reset(p_schema text, p_table text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v        {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_rw     text := {{rt}}.conv_name(v, 'rewire');
    v_pos    bigint;
    rw_ref   text;
    rw_fk    text;
    rw_col   text;
    rw_check text;
    v_rel    regclass;
    v_rels   text;
BEGIN
    FOR rw_ref, rw_fk IN EXECUTE format('SELECT ref_table, fk_name FROM %s ORDER BY position', v_rw) LOOP
        v_rel := rw_ref::regclass;
        IF EXISTS (SELECT 1 FROM pg_constraint c
                    WHERE c.conrelid = v_rel AND c.conname = rw_fk AND c.contype = 'f' AND NOT c.convalidated) THEN
            EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', v_rel, rw_fk);
        END IF;
    END LOOP;
    -- the table (as the rest of the rollback takes it) and the referencing tables at once
    EXECUTE format('SELECT string_agg(ref_table::regclass::text, '', '' ORDER BY position) FROM %s', v_rw) INTO v_rels;
    PERFORM {{rt}}.lock_at_once({{rt}}.conv_name(v, 'table')::regclass,
                                ARRAY[format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', {{rt}}.conv_name(v, 'table')::regclass),
                                      format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', v_rels)]);
    FOR v_pos, rw_ref, rw_col, rw_check IN
            EXECUTE format('SELECT position, ref_table, key_column, check_name FROM %s ORDER BY position', v_rw) LOOP
        v_rel := rw_ref::regclass;
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I', v_rel, rw_check);
        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I DROP NOT NULL', v_rel, rw_col);
        EXECUTE format('UPDATE %s SET phase = ''fill'', next_page = 0, rows_filled = 0 WHERE position = $1', v_rw)
            USING v_pos;
    END LOOP;
END
${{tag}}$;

-- The lock_timeout of an attempt that must give way before the deadlock
-- check runs: p_timeout (0: none), at most half of deadlock_timeout.
CREATE FUNCTION {{rt}}.give_way_timeout(p_timeout text)
RETURNS text
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
    SELECT ceil(extract(epoch FROM least(coalesce(nullif(p_timeout, '0')::interval, interval '1 day'),
                                         current_setting('deadlock_timeout')::interval / 2)) * 1000)::text || 'ms'
${{tag}}$;

-- Takes the locks that the LOCK TABLE statements p_locks ask for, all at
-- once: each attempt (up to 5, see attempt) waits less than
-- deadlock_timeout, and one that fails releases every lock it took, so
-- that a writer that holds one of them and waits for another makes the
-- attempt give way instead of deadlocking.  The transaction's lock_timeout
-- is as it was afterwards.  p_table names the table for attempt's NOWAIT.
CREATE FUNCTION {{rt}}.lock_at_once(p_table regclass, p_locks text[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v_was text := current_setting('lock_timeout');
    v_why text;
BEGIN
    PERFORM set_config('lock_timeout', {{rt}}.give_way_timeout(v_was), true);
    v_why := {{rt}}.attempt(p_table, p_locks);
    PERFORM set_config('lock_timeout', v_was, true);
    IF v_why IS NOT NULL THEN
        RAISE EXCEPTION 'partc: the locks on % and the tables locked with it were not granted: %', p_table, v_why
            USING HINT = 'apply the migration again when the tables are less busy (nothing was changed)';
    END IF;
END
${{tag}}$;

-- The locks of a swap and of its rollback: ACCESS EXCLUSIVE on p_rels and,
-- with incoming_foreign_keys: rewire, on every referencing table, all at
-- once (lock_at_once).  Without rewires, one table after the other, as a
-- swap always took them.
CREATE FUNCTION {{rt}}.swap_lock(v {{rt}}.tables, p_rels text[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v_rw  text := {{rt}}.conv_name(v, 'rewire');
    v_rel text;
BEGIN
    IF pg_catalog.to_regclass(v_rw) IS NULL THEN
        FOREACH v_rel IN ARRAY p_rels LOOP
            EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', v_rel::regclass);
        END LOOP;
        RETURN;
    END IF;
    FOR v_rel IN EXECUTE format('SELECT ref_table FROM %s ORDER BY position', v_rw) LOOP
        p_rels := p_rels || (v_rel::regclass)::text;
    END LOOP;
    PERFORM {{rt}}.lock_at_once(p_rels[1]::regclass,
                                ARRAY[format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE',
                                             (SELECT string_agg(x, ', ' ORDER BY n) FROM unnest(p_rels) WITH ORDINALITY u(x, n)))]);
END
${{tag}}$;

-- The renames of a swap (p_back false) or of its rollback: the table and
-- the shadow trade names with <table><old_suffix> and <table>, and so do the
-- keys and indexes p_names lists (<name><shadow_suffix> takes <name>, whose
-- index on the table becomes <name><old_suffix>); back, an index p_keep
-- names keeps its name.
CREATE FUNCTION {{rt}}.swap_names(v {{rt}}.tables, p_names text[], p_back boolean, p_keep text[] DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v_sh_sfx text := substr(v.shadow_name, length(v.table_name) + 1);
    v_ol_sfx text := substr(v.old_name, length(v.table_name) + 1);
    v_n      text;
BEGIN
    IF NOT p_back THEN
        EXECUTE format('ALTER TABLE %s RENAME TO %I', {{rt}}.conv_name(v, 'table')::regclass, v.old_name);
        EXECUTE format('ALTER TABLE %s RENAME TO %I', {{rt}}.conv_name(v, 'shadow')::regclass, v.table_name);
        FOREACH v_n IN ARRAY p_names LOOP
            IF EXISTS (SELECT 1 FROM pg_index i
                        WHERE i.indexrelid = to_regclass(format('%I.%I', v.schema_name, v_n))
                          AND i.indrelid = {{rt}}.conv_name(v, 'old')::regclass) THEN
                EXECUTE format('ALTER INDEX %I.%I RENAME TO %I', v.schema_name, v_n, v_n || v_ol_sfx);
            END IF;
            EXECUTE format('ALTER INDEX %I.%I RENAME TO %I', v.schema_name, v_n || v_sh_sfx, v_n);
        END LOOP;
        RETURN;
    END IF;
    EXECUTE format('ALTER TABLE %s RENAME TO %I', {{rt}}.conv_name(v, 'table')::regclass, v.shadow_name);
    EXECUTE format('ALTER TABLE %s RENAME TO %I', {{rt}}.conv_name(v, 'old')::regclass, v.table_name);
    FOREACH v_n IN ARRAY p_names LOOP
        EXECUTE format('ALTER INDEX %I.%I RENAME TO %I', v.schema_name, v_n, v_n || v_sh_sfx);
        IF EXISTS (SELECT 1 FROM pg_index i
                    WHERE i.indexrelid = to_regclass(format('%I.%I', v.schema_name, v_n || v_ol_sfx))
                      AND i.indrelid = {{rt}}.conv_name(v, 'table')::regclass)
           AND NOT (v_n || v_ol_sfx = ANY (p_keep)) THEN
            EXECUTE format('ALTER INDEX %I.%I RENAME TO %I', v.schema_name, v_n || v_ol_sfx, v_n);
        END IF;
    END LOOP;
END
${{tag}}$;

-- A conversion's swap, in the caller's transaction: under ACCESS EXCLUSIVE
-- on both tables, for catalog changes only.  The table becomes its old
-- name, the shadow takes its name, each key and index named in p_names
-- takes its name on the new table (the old table's gets the old suffix),
-- identity and serial sequences continue above every id of either table,
-- and the sync triggers mirror every write back to the old table.
CREATE FUNCTION {{rt}}.swap(p_schema text, p_table text, p_names text[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v        {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_table  text := {{rt}}.conv_name(v, 'table');
    v_shadow text := {{rt}}.conv_name(v, 'shadow');
    v_old    text := {{rt}}.conv_name(v, 'old');
    v_state  text := {{rt}}.conv_name(v, 'backfill_state');
    v_ol_sfx text := substr(v.old_name, length(v.table_name) + 1);
    v_phase  text;
    r        record;
    v_max    bigint;
    v_last   bigint;
    v_name   text;
BEGIN
    EXECUTE format('SELECT s.phase FROM %s s', v_state::regclass) INTO v_phase;
    IF v_phase IS DISTINCT FROM 'done' THEN
        RAISE EXCEPTION 'partc: the backfill of % is not complete (phase %)', v_table, v_phase
            USING HINT = pg_catalog.format('apply the backfill migration first; where it runs as a pg_cron job, '
                                           'wait for it: SELECT * FROM %I.conversions()', {{rt_lit}});
    END IF;
    IF pg_catalog.to_regclass({{rt}}.conv_name(v, 'rewire')) IS NOT NULL THEN
        EXECUTE format('SELECT string_agg(format(''%%s.%%s'', ref_table, key_column), '', '') FROM %s WHERE phase <> ''done''',
                       {{rt}}.conv_name(v, 'rewire')) INTO v_name;
        IF v_name IS NOT NULL THEN
            RAISE EXCEPTION 'partc: the backfill of % has not finished %', v_table, v_name
                USING HINT = 'apply the backfill migration again (it resumes)';
        END IF;
        -- the index of each new foreign key, built CONCURRENTLY: valid (an
        -- interrupted build leaves an invalid one, which IF NOT EXISTS keeps)
        EXECUTE format('SELECT string_agg(w.index_name, '', '') FROM %s w '
                       'WHERE NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid '
                       'WHERE i.indrelid = w.ref_table::regclass AND c.relname = w.index_name AND i.indisvalid)',
                       {{rt}}.conv_name(v, 'rewire')) INTO v_name;
        IF v_name IS NOT NULL THEN
            RAISE EXCEPTION 'partc: the index % of a table that references % is missing or invalid', v_name, v_table
                USING HINT = 'roll back its backfill_index migration (DROP INDEX CONCURRENTLY) and apply it again';
        END IF;
    END IF;
    PERFORM {{rt}}.swap_lock(v, ARRAY[v_table, v_shadow]);
    -- the sync copies whole rows: both tables must have the same columns
    PERFORM {{rt}}.same_columns(v_table::regclass, v_shadow::regclass, 'during the conversion',
                                'roll back the backfill and the prepare phase, and convert again');
    PERFORM {{rt}}.sync_mode(p_schema, p_table, 'off');
    PERFORM {{rt}}.swap_names(v, p_names, false);
    -- identity and serial columns: the next value is above every id in
    -- either table; a serial sequence now belongs to the new table
    FOR r IN SELECT a.attname,
                    pg_get_serial_sequence(v_old, a.attname) AS old_seq,
                    pg_get_serial_sequence(v_table, a.attname) AS new_seq
               FROM pg_attribute a
              WHERE a.attrelid = v_old::regclass AND a.attnum > 0 AND NOT a.attisdropped LOOP
        IF r.new_seq IS NULL AND r.old_seq IS NOT NULL THEN
            EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', r.old_seq::regclass, v_table::regclass, r.attname);
        ELSIF r.new_seq IS NOT NULL THEN
            EXECUTE format('SELECT greatest((SELECT max(%1$I) FROM %2$s), (SELECT max(%1$I) FROM %3$s))::bigint',
                           r.attname, v_table::regclass, v_old::regclass) INTO v_max;
            IF r.old_seq IS NOT NULL THEN
                EXECUTE format('SELECT CASE WHEN is_called THEN last_value END FROM %s', r.old_seq::regclass) INTO v_last;
                v_max := greatest(v_max, v_last);
            END IF;
            IF v_max IS NOT NULL THEN
                PERFORM setval(r.new_seq, v_max, true);
            END IF;
            -- the new table's sequence takes the old one's name
            v_name := (SELECT c.relname::text FROM pg_class c WHERE c.oid = r.old_seq::regclass);
            IF r.old_seq IS NOT NULL AND octet_length(v_name || v_ol_sfx) <= 63 THEN
                EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', r.old_seq::regclass, v_name || v_ol_sfx);
                EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', r.new_seq::regclass, v_name);
            END IF;
        END IF;
    END LOOP;
    PERFORM {{rt}}.sync_mode(p_schema, p_table, 'reverse');
    EXECUTE format('UPDATE %s SET phase = ''swapped'', swapped_at = now()', v_state::regclass);
    UPDATE {{rt}}.tables t SET live_name = t.table_name, phase = 'swap'
     WHERE t.schema_name = p_schema AND t.table_name = p_table;
END
${{tag}}$;

-- The swap back: writes made since the swap are in the old table already.
CREATE FUNCTION {{rt}}.unswap(p_schema text, p_table text, p_names text[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v        {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_table  text := {{rt}}.conv_name(v, 'table');
    v_shadow text := {{rt}}.conv_name(v, 'shadow');
    v_old    text := {{rt}}.conv_name(v, 'old');
    v_state  text := {{rt}}.conv_name(v, 'backfill_state');
    v_sh_sfx text := substr(v.shadow_name, length(v.table_name) + 1);
    v_ol_sfx text := substr(v.old_name, length(v.table_name) + 1);
    v_phase  text;
    r        record;
    v_max    bigint;
    v_last   bigint;
    v_name   text;
BEGIN
    EXECUTE format('SELECT s.phase FROM %s s', v_state::regclass) INTO v_phase;
    IF v_phase IS DISTINCT FROM 'swapped' THEN
        RAISE EXCEPTION 'partc: % is not swapped (phase %)', v_table, v_phase;
    END IF;
    PERFORM {{rt}}.swap_lock(v, ARRAY[v_table, v_old]);
    PERFORM {{rt}}.same_columns(v_table::regclass, v_old::regclass, 'since the swap',
                                'give both tables the same columns in the same order first');
    PERFORM {{rt}}.sync_mode(p_schema, p_table, 'off');
    PERFORM {{rt}}.swap_names(v, p_names, true);
    FOR r IN SELECT a.attname,
                    pg_get_serial_sequence(v_table, a.attname) AS old_seq,
                    pg_get_serial_sequence(v_shadow, a.attname) AS new_seq,
                    (SELECT b.attidentity FROM pg_attribute b
                      WHERE b.attrelid = v_shadow::regclass AND b.attname = a.attname) AS new_identity
               FROM pg_attribute a
              WHERE a.attrelid = v_table::regclass AND a.attnum > 0 AND NOT a.attisdropped LOOP
        IF r.old_seq IS NULL AND r.new_seq IS NOT NULL AND r.new_identity = '' THEN
            EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', r.new_seq::regclass, v_table::regclass, r.attname);
        ELSIF r.old_seq IS NOT NULL THEN
            EXECUTE format('SELECT greatest((SELECT max(%1$I) FROM %2$s), (SELECT max(%1$I) FROM %3$s))::bigint',
                           r.attname, v_table::regclass, v_shadow::regclass) INTO v_max;
            IF r.new_seq IS NOT NULL THEN
                EXECUTE format('SELECT CASE WHEN is_called THEN last_value END FROM %s', r.new_seq::regclass) INTO v_last;
                v_max := greatest(v_max, v_last);
            END IF;
            IF v_max IS NOT NULL THEN
                PERFORM setval(r.old_seq, v_max, true);
            END IF;
            -- the names go back: the old table's sequence loses its suffix
            v_name := (SELECT c.relname::text FROM pg_class c WHERE c.oid = r.old_seq::regclass);
            IF r.new_seq IS NOT NULL AND right(v_name, octet_length(v_ol_sfx)) = v_ol_sfx
               AND octet_length((SELECT c.relname::text FROM pg_class c WHERE c.oid = r.new_seq::regclass) || v_sh_sfx) <= 63 THEN
                EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', r.new_seq::regclass,
                               (SELECT c.relname::text FROM pg_class c WHERE c.oid = r.new_seq::regclass) || v_sh_sfx);
                EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', r.old_seq::regclass,
                               left(v_name, octet_length(v_name) - octet_length(v_ol_sfx)));
            END IF;
        END IF;
    END LOOP;
    PERFORM {{rt}}.sync_mode(p_schema, p_table, 'forward');
    EXECUTE format('UPDATE %s SET phase = ''done'', swapped_at = NULL', v_state::regclass);
    UPDATE {{rt}}.tables t SET live_name = t.shadow_name, phase = 'prepare'
     WHERE t.schema_name = p_schema AND t.table_name = p_table;
END
${{tag}}$;

-- Refuses a conversion's cleanup before keep_old has passed since the swap,
-- unless the session says SET partc.cleanup_now = on.
CREATE FUNCTION {{rt}}.cleanup_ready(p_schema text, p_table text, p_keep_old interval)
RETURNS void
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v       {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_phase text;
    v_at    timestamptz;
BEGIN
    EXECUTE format('SELECT s.phase, s.swapped_at FROM %s s', {{rt}}.conv_name(v, 'backfill_state')::regclass)
        INTO v_phase, v_at;
    IF v_phase IS DISTINCT FROM 'swapped' THEN
        RAISE EXCEPTION 'partc: % is not swapped; apply the swap first', {{rt}}.conv_name(v, 'table');
    END IF;
    IF now() < v_at + p_keep_old AND coalesce(current_setting('partc.cleanup_now', true), '') <> 'on' THEN
        RAISE EXCEPTION 'partc: % is kept until % (migrate.keep_old %)', {{rt}}.conv_name(v, 'old'), v_at + p_keep_old,
            p_keep_old
            USING HINT = 'apply this migration after that time, or SET partc.cleanup_now = on in the session to drop it now';
    END IF;
END
${{tag}}$;

-- How a conversion moves its rows: 'copy', or 'attach' when its state
-- table says so (the table itself becomes the partition of every row before
-- the cutover, and nothing is copied).
CREATE FUNCTION {{rt}}.conv_method(v {{rt}}.tables)
RETURNS text
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
    SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_attribute a
                              WHERE a.attrelid = to_regclass({{rt}}.conv_name(v, 'backfill_state'))
                                AND a.attname = 'method' AND NOT a.attisdropped)
                THEN 'attach' ELSE 'copy' END
${{tag}}$;

-- method attach, in the prepare phase after the preflight: the cutover is
-- more than a day ahead, and every row lies in [partition.start, cutover)
-- (the preflight's reading of the key's extremes).
CREATE FUNCTION {{rt}}.attach_check(p_schema text, p_table text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS ${{tag}}$
DECLARE
    v       {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_table text := {{rt}}.conv_name(v, 'table');
    v_lower timestamptz;
    v_cut   timestamptz;
    v_min   text := nullif(current_setting('partc.min_key', true), '');
    v_max   text := nullif(current_setting('partc.max_key', true), '');
BEGIN
    EXECUTE format('SELECT s.lower_bound, s.cutover FROM %s s', {{rt}}.conv_name(v, 'backfill_state'))
        INTO v_lower, v_cut;
    IF now() > v_cut - interval '1 day' THEN
        RAISE EXCEPTION 'partc: the cutover of % is %, less than a day from now', v_table, v_cut
            USING DETAIL = 'from the prepare phase until the swap the table refuses rows from the cutover on, so it must lie beyond the day of the swap',
                  HINT = 'set migrate.cutover to a later range start (or compile this table again with a later --as-of); nothing was changed';
    END IF;
    IF v_max IS NOT NULL AND v_max::timestamptz >= v_cut THEN
        RAISE EXCEPTION 'partc: % holds rows with % = %, at or after the cutover %', v_table, v.key_column, v_max, v_cut
            USING HINT = 'set migrate.cutover to a range start after them';
    END IF;
    -- ATTACH adopts a validated key or check of the table; a NOT VALID one it
    -- would validate (or refuse) under its lock
    IF EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = v_table::regclass AND c.contype IN ('f', 'c')
                  AND NOT c.convalidated) THEN
        RAISE EXCEPTION 'partc: % has constraints that are NOT VALID: %', v_table,
            (SELECT string_agg(quote_ident(c.conname), ', ' ORDER BY c.conname) FROM pg_constraint c
              WHERE c.conrelid = v_table::regclass AND c.contype IN ('f', 'c') AND NOT c.convalidated)
            USING HINT = format('validate them first (ALTER TABLE %s VALIDATE CONSTRAINT ...: writers go on); nothing was changed', v_table);
    END IF;
    IF v_min IS NOT NULL AND v_min::timestamptz < v_lower THEN
        RAISE EXCEPTION 'partc: % holds rows with % = %, before partition.start %', v_table, v.key_column, v_min, v_lower
            USING HINT = 'set partition.start at or before the earliest row (method attach keeps every row in the table, which becomes the partition from partition.start to the cutover)';
    END IF;
END
${{tag}}$;

-- method attach: the indexes that the table gives the partitioned table's
-- keys (built CONCURRENTLY by their own migrations) are there and valid.
CREATE FUNCTION {{rt}}.attach_built(p_schema text, p_keys jsonb)
RETURNS void
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v_name text;
    v_ok   boolean;
BEGIN
    FOR v_name IN SELECT n.x FROM jsonb_array_elements(p_keys) e,
                          LATERAL (VALUES (e->>'build'), (e->>'plain')) AS n(x)
                   WHERE x IS NOT NULL LOOP
        SELECT i.indisvalid INTO v_ok FROM pg_index i WHERE i.indexrelid = to_regclass(format('%I.%I', p_schema, v_name));
        IF v_ok IS NULL THEN
            RAISE EXCEPTION 'partc: index %.% is missing', quote_ident(p_schema), quote_ident(v_name)
                USING HINT = 'apply the backfill_index migrations before the backfill; the backfill''s rollback undoes what they built, so after it roll them back too (their rollback does nothing then) and apply them again';
        ELSIF NOT v_ok THEN
            RAISE EXCEPTION 'partc: index %.% is invalid (its concurrent build was interrupted)', quote_ident(p_schema), quote_ident(v_name)
                USING HINT = format('run DROP INDEX CONCURRENTLY %I.%I; then its backfill_index migration''s statement again', p_schema, v_name);
        END IF;
    END LOOP;
END
${{tag}}$;

-- method attach, the backfill: validates the bound (SHARE UPDATE EXCLUSIVE:
-- writers go on while every row is read), then gives the table the keys of
-- the partitioned table (extended with the partition key) from the indexes
-- built concurrently: a short ACCESS EXCLUSIVE, waited for at most
-- conv_lock_timeout per attempt and retried.  Each step commits; called
-- again, it resumes.  Run it with CALL (partc.backfill does).
CREATE PROCEDURE {{rt}}.attach_backfill(p_schema text, p_table text)
LANGUAGE plpgsql
AS ${{tag}}$
DECLARE
    v       {{rt}}.tables;
    v_table text;
    v_state text;
    v_bound text;
    v_phase text;
    v_keys  jsonb;
    v_pk    text;
    v_stmt  text;
    v_why   text;
    v_t0    timestamptz := pg_catalog.clock_timestamp();
    k       jsonb;
BEGIN
    COMMIT;
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
    PERFORM {{rt}}.backfill_begin(p_schema, p_table);
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    v := {{rt}}.table_of(p_schema, p_table);
    v_table := {{rt}}.conv_name(v, 'table');
    v_state := {{rt}}.conv_name(v, 'backfill_state');
    v_bound := v.table_name || '_cutover';
    EXECUTE format('SELECT s.phase, s.keys FROM %s s', v_state) INTO v_phase, v_keys;
    IF v_phase IN ('done', 'swapped') THEN
        RAISE NOTICE 'partc: the backfill of % is complete already', v_table;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = v_table::regclass AND c.conname = v_bound) THEN
        RAISE EXCEPTION 'partc: % has no bound %: the swap''s rollback dropped it (rows from the cutover on were written, or the cutover has passed)', v_table, v_bound
            USING HINT = 'roll back the backfill, its index builds and the prepare phase, and convert again with a later migrate.cutover';
    END IF;
    PERFORM {{rt}}.attach_built(p_schema, v_keys);
    IF v_phase IN ('new', 'validate') THEN
        EXECUTE format('UPDATE %s SET phase = ''validate'', started_at = coalesce(started_at, now())', v_state);
        COMMIT;
        SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
        PERFORM {{rt}}.backfill_begin(p_schema, p_table);
        RAISE NOTICE 'partc: validating % of % (every row is read; writers go on)', v_bound, v_table;
        PERFORM pg_catalog.set_config('lock_timeout', v.conv_lock_timeout, true);
        BEGIN
            v_why := {{rt}}.attempt(v_table::regclass,
                                    ARRAY[format('LOCK TABLE %s IN SHARE UPDATE EXCLUSIVE MODE', v_table),
                                          format('ALTER TABLE %s VALIDATE CONSTRAINT %I', v_table, v_bound)]);
        EXCEPTION WHEN check_violation THEN
            RAISE EXCEPTION 'partc: % holds rows outside its bound %: %', v_table, v_bound, SQLERRM
                USING HINT = 'roll back the prepare phase, set migrate.cutover (or partition.start) so that every row lies between them, and convert again';
        END;
        IF v_why IS NOT NULL THEN
            RAISE EXCEPTION 'partc: could not validate % of %: %', v_bound, v_table, v_why
                USING HINT = 'call the backfill again when the table is less busy';
        END IF;
        EXECUTE format('UPDATE %s SET phase = ''keys''', v_state);
        COMMIT;
        SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
        RAISE NOTICE 'partc: % validated in %', v_bound, pg_catalog.clock_timestamp() - v_t0;
    END IF;
    PERFORM {{rt}}.backfill_begin(p_schema, p_table);
    -- the keys: each key without the partition key is replaced by the
    -- extended one, which ATTACH adopts; the primary key's columns stay
    -- unique on their own through the index built for them
    SELECT c.conname::text INTO v_pk FROM pg_constraint c WHERE c.conrelid = v_table::regclass AND c.contype = 'p';
    v_stmt := '';
    FOR k IN SELECT * FROM jsonb_array_elements(v_keys) LOOP
        IF k->>'type' = 'p' AND v_pk IS DISTINCT FROM k->>'build' THEN
            v_stmt := v_stmt || format('%s ADD CONSTRAINT %I PRIMARY KEY USING INDEX %I',
                                       CASE WHEN v_pk IS NOT NULL THEN format('DROP CONSTRAINT %I,', v_pk) ELSE '' END,
                                       k->>'build', k->>'build') || ', ';
        ELSIF k->>'type' = 'u' AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                                                WHERE c.conrelid = v_table::regclass AND c.conname = k->>'build') THEN
            v_stmt := v_stmt || format('ADD CONSTRAINT %I UNIQUE USING INDEX %I', k->>'build', k->>'build') || ', ';
        END IF;
    END LOOP;
    IF v_stmt <> '' THEN
        PERFORM pg_catalog.set_config('lock_timeout', v.conv_lock_timeout, true);
        v_why := {{rt}}.attempt(v_table::regclass,
                                ARRAY[format('ALTER TABLE %s %s', v_table, left(v_stmt, -2))]);
        IF v_why IS NOT NULL THEN
            RAISE EXCEPTION 'partc: could not give % its new keys: %', v_table, v_why
                USING HINT = 'call the backfill again when the table is less busy';
        END IF;
        IF v_pk IS NOT NULL AND EXISTS (SELECT 1 FROM jsonb_array_elements(v_keys) e WHERE e->>'type' = 'p') THEN
            EXECUTE format('UPDATE %s SET live_pkey = %L', v_state, v_pk);
        END IF;
    END IF;
    EXECUTE format('UPDATE %s SET phase = ''done'', finished_at = now()', v_state);
    COMMIT;
    RAISE NOTICE 'partc: % is ready to be attached (no row copied)', v_table;
END
${{tag}}$;

-- method attach, the backfill's rollback: the keys as they were (the
-- primary key from the index that kept its columns unique), and the bound
-- not validated again.  Refused after the swap.
CREATE FUNCTION {{rt}}.attach_reset(p_schema text, p_table text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v       {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_table text := {{rt}}.conv_name(v, 'table');
    v_state text := {{rt}}.conv_name(v, 'backfill_state');
    v_bound text := v.table_name || '_cutover';
    v_keys  jsonb;
    v_live  text;
    v_stmt  text := '';
    v_def   text;
    k       jsonb;
BEGIN
    PERFORM {{rt}}.backfill_stop(p_schema, p_table);
    EXECUTE format('SELECT s.keys, s.live_pkey FROM %s s', v_state) INTO v_keys, v_live;
    PERFORM set_config('lock_timeout', v.conv_lock_timeout, true);
    FOR k IN SELECT * FROM jsonb_array_elements(v_keys) LOOP
        IF EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = v_table::regclass AND c.conname = k->>'build') THEN
            v_stmt := v_stmt || format('DROP CONSTRAINT %I, ', k->>'build');
            IF k->>'type' = 'p' THEN
                v_stmt := v_stmt || format('ADD CONSTRAINT %I PRIMARY KEY USING INDEX %I, ',
                                           coalesce(v_live, k->>'pkey'), k->>'plain');
            END IF;
        END IF;
    END LOOP;
    SELECT pg_get_constraintdef(c.oid) INTO v_def FROM pg_constraint c
     WHERE c.conrelid = v_table::regclass AND c.conname = v_bound AND c.convalidated;
    IF v_def IS NOT NULL THEN
        v_stmt := v_stmt || format('DROP CONSTRAINT %I, ADD CONSTRAINT %I %s NOT VALID, ', v_bound, v_bound, v_def);
    END IF;
    IF v_stmt <> '' THEN
        EXECUTE format('ALTER TABLE %s %s', v_table, left(v_stmt, -2));
    END IF;
    EXECUTE format('UPDATE %s SET phase = ''new'', live_pkey = NULL, started_at = NULL, finished_at = NULL', v_state);
END
${{tag}}$;

-- method attach, the swap: under ACCESS EXCLUSIVE on both tables (each
-- attempt waits at most the session's lock_timeout; 5 attempts), the table
-- becomes <table><old_suffix> and the partition of every row before the
-- cutover of the partitioned table, which takes its name.  ATTACH reads no
-- row (the validated bound proves the range) and builds no index (each of
-- the partitioned table's has its twin on the table, checked first).
-- Identity moves to the partitioned table, above every id; a serial
-- sequence follows it.
CREATE FUNCTION {{rt}}.attach_swap(p_schema text, p_table text, p_names text[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS ${{tag}}$
DECLARE
    v        {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_table  text := {{rt}}.conv_name(v, 'table');
    v_shadow text := {{rt}}.conv_name(v, 'shadow');
    v_old    text := {{rt}}.conv_name(v, 'old');
    v_state  text := {{rt}}.conv_name(v, 'backfill_state');
    v_bound  text := v.table_name || '_cutover';
    v_phase  text;
    v_lower  timestamptz;
    v_cut    timestamptz;
    v_max    bigint;
    v_last   bigint;
    v_name   text;
    r        record;
BEGIN
    EXECUTE format('SELECT s.phase, s.lower_bound, s.cutover FROM %s s', v_state) INTO v_phase, v_lower, v_cut;
    IF v_phase IS DISTINCT FROM 'done' THEN
        RAISE EXCEPTION 'partc: the backfill of % is not complete (phase %)', v_table, v_phase
            USING HINT = pg_catalog.format('apply the backfill migration first; where it runs as a pg_cron job, '
                                           'wait for it: SELECT * FROM %I.conversions()', {{rt_lit}});
    END IF;
    -- ATTACH also moves the foreign keys' triggers on the referenced tables:
    -- all are locked at once, each attempt waiting less than deadlock_timeout
    -- (a writer that holds one of them and waits for another makes the
    -- attempt give way, not deadlock)
    PERFORM {{rt}}.lock_at_once(v_table::regclass,
                                ARRAY[format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE',
                                             (SELECT string_agg(l.x::text, ', ' ORDER BY l.o)
                                                FROM (SELECT v_table::regclass AS x, 0 AS o
                                                      UNION ALL SELECT v_shadow::regclass, 1
                                                      UNION ALL SELECT DISTINCT c.confrelid::regclass, 2 FROM pg_constraint c
                                                       WHERE c.conrelid = v_shadow::regclass AND c.contype = 'f'
                                                         AND c.confrelid <> v_shadow::regclass) l))]);
    PERFORM {{rt}}.same_columns(v_table::regclass, v_shadow::regclass, 'during the conversion',
                                'roll back the backfill and the prepare phase, and convert again');
    IF NOT EXISTS (SELECT 1 FROM pg_constraint c
                    WHERE c.conrelid = v_table::regclass AND c.conname = v_bound AND c.convalidated)
       OR EXISTS (SELECT 1 FROM pg_constraint c
                   WHERE c.conrelid = v_table::regclass AND c.contype IN ('f', 'c') AND NOT c.convalidated) THEN
        RAISE EXCEPTION 'partc: the bound % or another constraint of % is not validated (ATTACH would read every row under its lock)', v_bound, v_table
            USING HINT = 'validate it first (the backfill validates the bound; ALTER TABLE ... VALIDATE CONSTRAINT lets writers go on)';
    END IF;
    -- every index of the partitioned table has its twin on the table, else
    -- ATTACH would build it under this lock
    FOR r IN SELECT i.indexrelid::regclass AS idx, i.indisunique,
                    substring(pg_get_indexdef(i.indexrelid) FROM ' USING .*$') AS def,
                    (SELECT c.contype FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid) AS contype
               FROM pg_index i WHERE i.indrelid = v_shadow::regclass LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_index j
                        WHERE j.indrelid = v_table::regclass AND j.indisvalid AND j.indisunique = r.indisunique
                          AND substring(pg_get_indexdef(j.indexrelid) FROM ' USING .*$') = r.def
                          AND (r.contype IS NULL
                               OR EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = j.indexrelid
                                             AND c.conrelid = j.indrelid AND c.contype = r.contype))) THEN
            RAISE EXCEPTION 'partc: % has no valid index % for % (ATTACH would build it under ACCESS EXCLUSIVE)',
                v_table, r.def, r.idx
                USING HINT = format('CREATE %sINDEX CONCURRENTLY ON %s %s; then apply the swap again',
                                    CASE WHEN r.indisunique THEN 'UNIQUE ' ELSE '' END, v_table, r.def);
        END IF;
    END LOOP;
    -- identity and serial columns: the partitioned table's sequence goes on
    -- above every id and takes the name of the table's, which is dropped
    -- with its identity (PostgreSQL 17 refuses a partition with one); a
    -- serial sequence now belongs to the partitioned table
    FOR r IN SELECT a.attname, a.attidentity,
                    pg_get_serial_sequence(v_table, a.attname) AS old_seq,
                    pg_get_serial_sequence(v_shadow, a.attname) AS new_seq
               FROM pg_attribute a
              WHERE a.attrelid = v_table::regclass AND a.attnum > 0 AND NOT a.attisdropped LOOP
        IF r.new_seq IS NULL AND r.old_seq IS NOT NULL THEN
            EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', r.old_seq::regclass, v_shadow::regclass, r.attname);
        ELSIF r.new_seq IS NOT NULL THEN
            EXECUTE format('SELECT max(%I)::bigint FROM %s', r.attname, v_table::regclass) INTO v_max;
            v_name := NULL;
            IF r.old_seq IS NOT NULL THEN
                EXECUTE format('SELECT CASE WHEN is_called THEN last_value END FROM %s', r.old_seq::regclass) INTO v_last;
                v_max := greatest(v_max, v_last);
                v_name := (SELECT c.relname::text FROM pg_class c WHERE c.oid = r.old_seq::regclass);
            END IF;
            IF v_max IS NOT NULL THEN
                PERFORM setval(r.new_seq, v_max, true);
            END IF;
            IF r.attidentity <> '' THEN
                EXECUTE format('ALTER TABLE %s ALTER COLUMN %I DROP IDENTITY', v_table::regclass, r.attname);
            END IF;
            IF v_name IS NOT NULL AND to_regclass(format('%I.%I', p_schema, v_name)) IS NULL THEN
                EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', r.new_seq::regclass, v_name);
            END IF;
        END IF;
    END LOOP;
    PERFORM {{rt}}.swap_names(v, p_names, false);
    EXECUTE format('ALTER TABLE %s ATTACH PARTITION %s FOR VALUES FROM (%L) TO (%L)', v_table::regclass,
                   v_old::regclass, to_char(v_lower, v.bound_format), to_char(v_cut, v.bound_format));
    EXECUTE format('UPDATE %s SET phase = ''swapped'', swapped_at = now()', v_state);
    UPDATE {{rt}}.tables t SET live_name = t.table_name, phase = 'swap'
     WHERE t.schema_name = p_schema AND t.table_name = p_table;
END
${{tag}}$;

-- method attach, the swap back: the partition is detached and takes the
-- table's name again, with its identity.  Rows written since the swap from
-- the cutover on move back into it; the bound, which would refuse them (and
-- every write once the cutover has passed), is then dropped, and the swap
-- cannot be applied again before the backfill is (rolled back and applied
-- again).
CREATE FUNCTION {{rt}}.attach_unswap(p_schema text, p_table text, p_names text[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
DECLARE
    v        {{rt}}.tables := {{rt}}.table_of(p_schema, p_table);
    v_table  text := {{rt}}.conv_name(v, 'table');
    v_old    text := {{rt}}.conv_name(v, 'old');
    v_state  text := {{rt}}.conv_name(v, 'backfill_state');
    v_bound  text := v.table_name || '_cutover';
    v_sh_sfx text := substr(v.shadow_name, length(v.table_name) + 1);
    v_phase  text;
    v_cut    timestamptz;
    v_keys   jsonb;
    v_why    text;
    v_moved  bigint := 0::bigint;
    v_force  boolean;
    v_pforce boolean;
    v_max    bigint;
    v_last   bigint;
    v_name   text;
    v_seq    text;
    sq       record;
    r        record;
BEGIN
    EXECUTE format('SELECT s.phase::text, s.cutover::timestamptz, s.keys::jsonb FROM %s s', v_state) INTO v_phase, v_cut, v_keys;
    IF v_phase IS DISTINCT FROM 'swapped' THEN
        RAISE EXCEPTION 'partc: % is not swapped (phase %)', v_table, v_phase;
    END IF;
    IF to_regclass(v_old) IS NULL
       OR NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = v_old::regclass AND i.inhparent = v_table::regclass) THEN
        RAISE EXCEPTION 'partc: % is no longer a partition of %: the swap cannot be rolled back', v_old, v_table
            USING HINT = 'retention or a person detached or dropped it';
    END IF;
    v_why := {{rt}}.attempt(v_table::regclass,
                            ARRAY[format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', v_table::regclass)]);
    IF v_why IS NOT NULL THEN
        RAISE EXCEPTION 'partc: the swap back of % did not get its lock: %', v_table, v_why
            USING HINT = 'apply it again when the table is less busy (nothing was changed)';
    END IF;
    EXECUTE format('ALTER TABLE %s DETACH PARTITION %s', v_table::regclass, v_old::regclass);
    -- rows written since the swap from the cutover on go back to the table,
    -- read and written by its owner whatever forced row-level security says
    EXECUTE format('SELECT count(*) FROM %s', v_table::regclass) INTO v_moved;
    IF v_moved > 0 OR now() >= v_cut THEN
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', v_old::regclass, v_bound);
    END IF;
    IF v_moved > 0 THEN
        SELECT c.relforcerowsecurity INTO v_force FROM pg_class c WHERE c.oid = v_old::regclass;
        SELECT c.relforcerowsecurity INTO v_pforce FROM pg_class c WHERE c.oid = v_table::regclass;
        IF v_force THEN
            EXECUTE format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', v_old::regclass);
        END IF;
        IF v_pforce THEN
            EXECUTE format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', v_table::regclass);
        END IF;
        BEGIN
            EXECUTE format('INSERT INTO %s SELECT * FROM %s', v_old::regclass, v_table::regclass);
        EXCEPTION WHEN unique_violation THEN
            RAISE EXCEPTION 'partc: a row written since the swap from the cutover on cannot go back into %: %', v_old, SQLERRM
                USING DETAIL = 'the partitioned table''s keys contain the partition key; the table''s own keys did not, and hold for the rows it takes back',
                      HINT = 'delete or change that row, then roll the swap back again (nothing was changed)';
        END;
        EXECUTE format('TRUNCATE %s', v_table::regclass);
        IF v_force THEN
            EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', v_old::regclass);
        END IF;
        IF v_pforce THEN
            EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', v_table::regclass);
        END IF;
    END IF;
    -- identity and serial columns, back on the table, above every id
    FOR r IN SELECT a.attname, a.attidentity,
                    pg_get_serial_sequence(v_table, a.attname) AS seq
               FROM pg_attribute a
              WHERE a.attrelid = v_table::regclass AND a.attnum > 0 AND NOT a.attisdropped LOOP
        CONTINUE WHEN r.seq IS NULL;
        IF r.attidentity = '' THEN
            EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', r.seq::regclass, v_old::regclass, r.attname);
            CONTINUE;
        END IF;
        SELECT * INTO sq FROM pg_sequence q WHERE q.seqrelid = r.seq::regclass;
        EXECUTE format('SELECT CASE WHEN is_called THEN last_value END FROM %s', r.seq::regclass) INTO v_last;
        EXECUTE format('SELECT max(%I)::bigint FROM %s', r.attname, v_old::regclass) INTO v_max;
        v_name := (SELECT c.relname::text FROM pg_class c WHERE c.oid = r.seq::regclass);
        v_seq := v_name;
        IF octet_length(v_name || v_sh_sfx) <= 63 THEN
            EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', r.seq::regclass, v_name || v_sh_sfx);
        ELSE
            v_seq := NULL;
        END IF;
        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I ADD GENERATED %s AS IDENTITY (%s INCREMENT BY %s MINVALUE %s '
                       'MAXVALUE %s START WITH %s CACHE %s %s)', v_old::regclass, r.attname,
                       CASE r.attidentity WHEN 'a' THEN 'ALWAYS' ELSE 'BY DEFAULT' END,
                       CASE WHEN v_seq IS NOT NULL THEN format('SEQUENCE NAME %I.%I', p_schema, v_seq) ELSE '' END,
                       sq.seqincrement, sq.seqmin, sq.seqmax, sq.seqstart, sq.seqcache,
                       CASE WHEN sq.seqcycle THEN 'CYCLE' ELSE 'NO CYCLE' END);
        v_max := greatest(v_max, v_last);
        IF v_max IS NOT NULL THEN
            PERFORM setval(pg_get_serial_sequence(v_old, r.attname), v_max, true);
        END IF;
    END LOOP;
    -- (the keys the backfill gave the table keep their names: its rollback
    -- finds them by those)
    PERFORM {{rt}}.swap_names(v, p_names, true,
                              ARRAY(SELECT e->>'build' FROM jsonb_array_elements(v_keys) e));
    IF v_moved > 0 OR now() >= v_cut THEN
        RAISE NOTICE 'partc: % is a plain table again% and its bound % is dropped: roll back the backfill and the prepare phase, and convert again with a later migrate.cutover',
            v_table, CASE WHEN v_moved > 0 THEN format(', with the %s rows written since the swap from the cutover on,', v_moved) ELSE '' END, v_bound;
        EXECUTE format('UPDATE %s SET phase = ''new'', swapped_at = NULL', v_state);
    ELSE
        EXECUTE format('UPDATE %s SET phase = ''done'', swapped_at = NULL', v_state);
    END IF;
    UPDATE {{rt}}.tables t SET live_name = t.shadow_name, phase = 'prepare'
     WHERE t.schema_name = p_schema AND t.table_name = p_table;
END
${{tag}}$;

-- Lets a role other than the one that installed the runtime run the
-- maintenance of the tables it owns (the functions run as their caller).
CREATE FUNCTION {{rt}}.grant_maintenance(p_role text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', {{rt_lit}}, p_role);
    EXECUTE format('GRANT EXECUTE ON ALL ROUTINES IN SCHEMA %I TO %I', {{rt_lit}}, p_role);
    EXECUTE format('GRANT SELECT ON %I.runtime, %I.tables TO %I', {{rt_lit}}, {{rt_lit}}, p_role);
    EXECUTE format('GRANT UPDATE (last_run, last_error) ON %I.tables TO %I', {{rt_lit}}, p_role);
    EXECUTE format('GRANT SELECT ON %I.partition_health TO %I', {{rt_lit}}, p_role);
END
${{tag}}$;

REVOKE ALL ON ALL ROUTINES IN SCHEMA {{rt}} FROM PUBLIC;
