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
    FOR r IN SELECT c.conname, c.conrelid::regclass AS src FROM pg_catalog.pg_constraint c
              WHERE c.confrelid = v_rel AND c.contype = 'f' AND c.conrelid <> v_rel LOOP
        v_bad := v_bad || format('foreign key %I of %s references the table: after the swap it would still point at the old table',
                                 r.conname, r.src);
    END LOOP;

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

-- Lets a role other than the one that installed the runtime run the
-- maintenance of the tables it owns (the functions run as their caller).
CREATE FUNCTION {{rt}}.grant_maintenance(p_role text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS ${{tag}}$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', {{rt_lit}}, p_role);
    EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %I TO %I', {{rt_lit}}, p_role);
    EXECUTE format('GRANT SELECT ON %I.runtime, %I.tables TO %I', {{rt_lit}}, {{rt_lit}}, p_role);
    EXECUTE format('GRANT UPDATE (last_run, last_error) ON %I.tables TO %I', {{rt_lit}}, p_role);
    EXECUTE format('GRANT SELECT ON %I.partition_health TO %I', {{rt_lit}}, p_role);
END
${{tag}}$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {{rt}} FROM PUBLIC;
