-- tests/pg/catalog_dump.sql: the schema of the current database as sorted
-- text lines, from the catalog, for the rollback comparison on servers that
-- Debian's pg_dump (15) refuses to dump.  One line per object, no OIDs, the
-- same query on PostgreSQL 13 to 18.  Run with psql -X -At -f.
\set ON_ERROR_STOP 1
WITH ns AS (
    SELECT n.oid, n.nspname FROM pg_namespace n
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
       AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'
), rel AS (
    SELECT c.oid, c.relkind, c.relname, ns.nspname, c.relrowsecurity, c.relforcerowsecurity, c.relacl,
           c.relpersistence, c.relispartition, c.reloptions
      FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
)
SELECT line FROM (
    SELECT format('schema %I owner-acl %s comment %s', ns.nspname, coalesce(n.nspacl::text, '-'),
                  coalesce(obj_description(ns.oid, 'pg_namespace'), '-')) AS line
      FROM ns JOIN pg_namespace n ON n.oid = ns.oid
    UNION ALL
    SELECT format('relation %I.%I kind %s persistence %s rls %s/%s acl %s options %s partition-of %s bound %s key %s comment %s',
                  r.nspname, r.relname, r.relkind, r.relpersistence, r.relrowsecurity, r.relforcerowsecurity,
                  coalesce(r.relacl::text, '-'), coalesce(r.reloptions::text, '-'),
                  coalesce((SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = r.oid), '-'),
                  coalesce(pg_get_expr((SELECT c.relpartbound FROM pg_class c WHERE c.oid = r.oid), r.oid), '-'),
                  coalesce(pg_get_partkeydef(r.oid), '-'),
                  coalesce(obj_description(r.oid, 'pg_class'), '-'))
      FROM rel r WHERE r.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    UNION ALL
    SELECT format('column %I.%I.%I %s notnull %s default %s identity %s generated %s collation %s acl %s comment %s',
                  r.nspname, r.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                  coalesce(pg_get_expr(d.adbin, d.adrelid), '-'), coalesce(nullif(a.attidentity, ''), '-'),
                  coalesce(nullif(a.attgenerated, ''), '-'),
                  coalesce((SELECT co.collname FROM pg_collation co WHERE co.oid = a.attcollation AND a.attcollation <> 100), '-'),
                  coalesce(a.attacl::text, '-'), coalesce(col_description(r.oid, a.attnum), '-'))
      FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum
     WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f')
    UNION ALL
    SELECT format('constraint %I.%I %I %s%s', r.nspname, r.relname, c.conname, pg_get_constraintdef(c.oid),
                  CASE WHEN c.convalidated THEN '' ELSE ' (not validated)' END)
      FROM rel r JOIN pg_constraint c ON c.conrelid = r.oid
     WHERE c.contype <> 'n' -- NOT NULL constraints (18): the columns say it
    UNION ALL
    SELECT format('index %I.%I %s valid %s', r.nspname, r.relname, pg_get_indexdef(r.oid),
                  (SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = r.oid))
      FROM rel r WHERE r.relkind IN ('i', 'I')
    UNION ALL
    SELECT format('sequence %I.%I %s start %s increment %s min %s max %s cycle %s owned-by %s',
                  r.nspname, r.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin,
                  s.seqmax, s.seqcycle,
                  coalesce((SELECT d.refobjid::regclass::text || '.' || quote_ident(a.attname)
                              FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                             WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.deptype IN ('a', 'i')
                               AND d.refclassid = 'pg_class'::regclass), '-'))
      FROM rel r JOIN pg_sequence s ON s.seqrelid = r.oid
    UNION ALL
    SELECT format('view %I.%I %s', r.nspname, r.relname, pg_get_viewdef(r.oid))
      FROM rel r WHERE r.relkind IN ('v', 'm')
    UNION ALL
    SELECT format('trigger %I.%I %s enabled %s', r.nspname, r.relname, pg_get_triggerdef(t.oid), t.tgenabled)
      FROM rel r JOIN pg_trigger t ON t.tgrelid = r.oid WHERE NOT t.tgisinternal
    UNION ALL
    SELECT format('policy %I.%I %I %s %s roles %s using %s check %s', r.nspname, r.relname, p.polname, p.polcmd,
                  CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END,
                  (SELECT string_agg(CASE WHEN x = 0 THEN 'public' ELSE pg_get_userbyid(x)::text END, ',' ORDER BY 1)
                     FROM unnest(p.polroles) x),
                  coalesce(pg_get_expr(p.polqual, p.polrelid), '-'), coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '-'))
      FROM rel r JOIN pg_policy p ON p.polrelid = r.oid
    UNION ALL
    SELECT format('function %I.%s kind %s security %s config %s acl %s md5 %s', ns.nspname,
                  p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', p.prokind,
                  CASE WHEN p.prosecdef THEN 'definer' ELSE 'invoker' END, coalesce(p.proconfig::text, '-'),
                  coalesce(p.proacl::text, '-'), md5(pg_get_functiondef(p.oid)))
      FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
     WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    UNION ALL
    SELECT format('type %I.%I %s', ns.nspname, t.typname, t.typtype)
      FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
     WHERE t.typtype IN ('e', 'd', 'c') AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
    UNION ALL
    SELECT format('extension %I', e.extname) FROM pg_extension e
    UNION ALL
    SELECT format('publication-table %I %s', p.pubname, pr.prrelid::regclass)
      FROM pg_publication p JOIN pg_publication_rel pr ON pr.prpubid = p.oid
) x
ORDER BY line COLLATE "C";
