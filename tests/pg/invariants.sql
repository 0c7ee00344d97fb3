-- tests/pg/invariants.sql: generic truths about every partitioned table.
--
-- Run with: psql -X -q -v ON_ERROR_STOP=1 -d DB -f tests/pg/invariants.sql
-- Checks every partitioned table (relkind 'p') outside pg_catalog,
-- information_schema, pg_toast and cron, and each of its direct partitions
-- (a sub-partitioned partition is itself checked as a parent):
--   1. a partition's RLS flags (enabled, forced) equal its parent's;
--   2. a partition has the same policies as its parent;
--   3. a partition's grants equal its parent's;
--   4. every index of the parent has exactly one attached, valid index on
--      every partition;
--   5. the range partitions (DEFAULT aside) leave no gap;
--   6. the partition_health() of every partc runtime (a schema with tables
--      runtime and tables) reports no table CRITICAL or FAILED (WARNING is
--      what a spec's premake and warn_ahead may mean on the day it runs).
-- Every check runs; all failures are collected and raised together as one
-- error whose lines read 'invariant N failed: ...'. Leaves nothing behind
-- (a temp table only). Passes on a database without partitioned tables.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE TEMP TABLE partc_inv_failure (n int NOT NULL, msg text NOT NULL);

-- parents: every partitioned table we check; pairs: parent x direct partition.
CREATE TEMP VIEW partc_inv_parent AS
SELECT c.oid, c.relname, n.nspname, c.relowner, c.relacl,
       c.relrowsecurity, c.relforcerowsecurity,
       format('%I.%I', n.nspname, c.relname) AS qname
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'p'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cron')
  AND n.nspname NOT LIKE 'pg\_toast%'
  AND n.nspname NOT LIKE 'pg\_temp%';

CREATE TEMP VIEW partc_inv_pair AS
SELECT p.oid AS parent, p.qname AS parent_name,
       k.oid AS part, format('%I.%I', kn.nspname, k.relname) AS part_name,
       p.relowner AS parent_owner, k.relowner AS part_owner,
       p.relacl AS parent_acl, k.relacl AS part_acl,
       p.relrowsecurity AS parent_rls, k.relrowsecurity AS part_rls,
       p.relforcerowsecurity AS parent_force, k.relforcerowsecurity AS part_force,
       pg_get_expr(k.relpartbound, k.oid) AS bound
FROM partc_inv_parent p
JOIN pg_inherits i ON i.inhparent = p.oid
JOIN pg_class k ON k.oid = i.inhrelid
JOIN pg_namespace kn ON kn.oid = k.relnamespace;

-- 1. RLS flags
INSERT INTO partc_inv_failure
SELECT 1, format('%s: row level security %s/forced %s, but its parent %s has %s/forced %s',
                 part_name,
                 CASE WHEN part_rls THEN 'enabled' ELSE 'disabled' END, part_force,
                 parent_name,
                 CASE WHEN parent_rls THEN 'enabled' ELSE 'disabled' END, parent_force)
FROM partc_inv_pair
WHERE part_rls IS DISTINCT FROM parent_rls OR part_force IS DISTINCT FROM parent_force;

-- 2. policies: name, command, permissive, roles, USING and WITH CHECK text
CREATE TEMP VIEW partc_inv_policy AS
SELECT pol.polrelid AS rel,
       format('%s (cmd %s, %s, roles {%s}, using (%s), with check (%s))',
              quote_ident(pol.polname), pol.polcmd,
              CASE WHEN pol.polpermissive THEN 'permissive' ELSE 'restrictive' END,
              (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE quote_ident(a.rolname) END,
                                 ',' ORDER BY 1)
                 FROM unnest(pol.polroles) r LEFT JOIN pg_roles a ON a.oid = r),
              -- a subquery makes PostgreSQL qualify the table's own columns
              -- with the table's name, which differs on each partition
              replace(coalesce(pg_get_expr(pol.polqual, pol.polrelid), ''), quote_ident(c.relname) || '.', '@.'),
              replace(coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), ''), quote_ident(c.relname) || '.', '@.')) AS descr
FROM pg_policy pol
JOIN pg_class c ON c.oid = pol.polrelid;

INSERT INTO partc_inv_failure
SELECT 2, format('%s lacks policy %s of its parent %s', x.part_name, pp.descr, x.parent_name)
FROM partc_inv_pair x
JOIN partc_inv_policy pp ON pp.rel = x.parent
WHERE NOT EXISTS (SELECT 1 FROM partc_inv_policy kp WHERE kp.rel = x.part AND kp.descr = pp.descr)
UNION ALL
SELECT 2, format('%s has policy %s that its parent %s lacks', x.part_name, kp.descr, x.parent_name)
FROM partc_inv_pair x
JOIN partc_inv_policy kp ON kp.rel = x.part
WHERE NOT EXISTS (SELECT 1 FROM partc_inv_policy pp WHERE pp.rel = x.parent AND pp.descr = kp.descr);

-- 3. grants: NULL acl means the default one; when both tables have the same
-- owner, the owner's own entry is left out of the comparison.
CREATE TEMP VIEW partc_inv_acl AS
SELECT x.part_name, x.parent_name,
       ARRAY(SELECT a::text FROM unnest(coalesce(x.parent_acl, acldefault('r', x.parent_owner))) a
             WHERE NOT (x.parent_owner = x.part_owner
                        AND (SELECT e.grantee FROM aclexplode(ARRAY[a]) e LIMIT 1) = x.parent_owner)
             ORDER BY 1) AS parent_acl,
       ARRAY(SELECT a::text FROM unnest(coalesce(x.part_acl, acldefault('r', x.part_owner))) a
             WHERE NOT (x.parent_owner = x.part_owner
                        AND (SELECT e.grantee FROM aclexplode(ARRAY[a]) e LIMIT 1) = x.part_owner)
             ORDER BY 1) AS part_acl
FROM partc_inv_pair x;

INSERT INTO partc_inv_failure
SELECT 3, format('%s has grants %s, but its parent %s has %s',
                 part_name, part_acl::text, parent_name, parent_acl::text)
FROM partc_inv_acl
WHERE part_acl IS DISTINCT FROM parent_acl;

-- 4. indexes: one attached child index per partition, all valid
INSERT INTO partc_inv_failure
SELECT 4, format('index %s of %s is not valid', pi.indexrelid::regclass, p.qname)
FROM partc_inv_parent p
JOIN pg_index pi ON pi.indrelid = p.oid
WHERE NOT pi.indisvalid
UNION ALL
SELECT 4, format('partition %s has %s attached indexes for index %s of %s (want exactly 1)',
                 x.part_name, count(ci.indexrelid), pi.indexrelid::regclass, x.parent_name)
FROM partc_inv_pair x
JOIN pg_index pi ON pi.indrelid = x.parent
LEFT JOIN pg_inherits ih ON ih.inhparent = pi.indexrelid
LEFT JOIN pg_index ci ON ci.indexrelid = ih.inhrelid AND ci.indrelid = x.part
GROUP BY x.part_name, pi.indexrelid, x.parent_name
HAVING count(ci.indexrelid) <> 1
UNION ALL
SELECT 4, format('index %s on partition %s (attached to %s of %s) is not valid',
                 ci.indexrelid::regclass, x.part_name, pi.indexrelid::regclass, x.parent_name)
FROM partc_inv_pair x
JOIN pg_index pi ON pi.indrelid = x.parent
JOIN pg_inherits ih ON ih.inhparent = pi.indexrelid
JOIN pg_index ci ON ci.indexrelid = ih.inhrelid AND ci.indrelid = x.part
WHERE NOT ci.indisvalid;

-- 5. range partitions are contiguous. Partitions never overlap, so they form
-- one gapless run exactly when at most one of them starts where no other one
-- ends (a MINVALUE partition always starts a run). Bounds compare as the
-- server prints them, which is the same text for the same value.  A table
-- with an index, so that a year of hourly partitions is checked in moments.
CREATE TEMP TABLE partc_inv_range AS
SELECT x.parent, x.parent_name, x.part_name, x.bound,
       substring(x.bound FROM '^FOR VALUES FROM \((.*)\) TO \(.*\)$') AS lo,
       substring(x.bound FROM '^FOR VALUES FROM \(.*\) TO \((.*)\)$') AS hi
FROM partc_inv_pair x
JOIN pg_partitioned_table pt ON pt.partrelid = x.parent AND pt.partstrat = 'r'
WHERE x.bound <> 'DEFAULT';
CREATE INDEX ON partc_inv_range (parent, hi);
ANALYZE partc_inv_range;

INSERT INTO partc_inv_failure
SELECT 5, format('range partitions of %s are not contiguous: %s runs start at %s',
                 parent_name, count(*),
                 string_agg(format('%s (%s)', part_name, bound), ', ' ORDER BY part_name))
FROM partc_inv_range r
WHERE r.lo LIKE '%MINVALUE%'
   OR NOT EXISTS (SELECT 1 FROM partc_inv_range q WHERE q.parent = r.parent AND q.hi = r.lo)
GROUP BY parent, parent_name
HAVING count(*) > 1;

INSERT INTO partc_inv_failure
SELECT 5, format('cannot parse the bound of %s: %s', part_name, bound)
FROM partc_inv_range
WHERE lo IS NULL OR hi IS NULL;

-- 6. no runtime's partition_health() reports CRITICAL or FAILED
DO $$
DECLARE
    t record;
    cnt bigint;
    bad text;
BEGIN
    FOR t IN
        SELECT n.nspname AS rt
        FROM pg_namespace n
        WHERE to_regclass(format('%I.runtime', n.nspname)) IS NOT NULL
          AND to_regclass(format('%I.tables', n.nspname)) IS NOT NULL
          AND to_regprocedure(format('%I.partition_health(timestamptz)', n.nspname)) IS NOT NULL
        ORDER BY 1
    LOOP
        BEGIN
            EXECUTE format('SELECT count(*), string_agg(h::text, ''; '')'
                           ' FILTER (WHERE h.status NOT IN (''OK'', ''WARNING'')) FROM %I.partition_health() h', t.rt)
                INTO cnt, bad;
        EXCEPTION WHEN OTHERS THEN
            bad := 'error: ' || SQLERRM;
        END;
        IF bad IS NOT NULL THEN
            INSERT INTO partc_inv_failure
            VALUES (6, format('%I.partition_health() reports %s', t.rt, bad));
        END IF;
    END LOOP;
END $$;

-- Report
DO $$
DECLARE
    m text;
BEGIN
    SELECT string_agg(format('invariant %s failed: %s', n, msg), E'\n' ORDER BY n, msg)
    INTO m FROM partc_inv_failure;
    IF m IS NOT NULL THEN
        RAISE EXCEPTION '%', m;
    END IF;
END $$;

DROP TABLE partc_inv_range;
DROP VIEW partc_inv_acl, partc_inv_policy, partc_inv_pair, partc_inv_parent;
DROP TABLE partc_inv_failure;
