--! An upgrade of the runtime in place, from version {{from}} to {{version}}: the functions and views
--! of {{from}} are kept in runtime_history (its rollback restores them), then replaced.
DO ${{tag}}$
BEGIN
    IF (SELECT r.version FROM {{rt}}.runtime r) IS DISTINCT FROM {{from}} THEN
        RAISE EXCEPTION 'partc: the runtime in schema % is at version %, this migration upgrades version %',
            {{rt_lit}}, (SELECT r.version FROM {{rt}}.runtime r), {{from}}
            USING HINT = 'apply the folder''s runtime migrations in order';
    END IF;
    -- what the rollback needs to restore version {{from}}: each function and
    -- view as PostgreSQL prints it, then the grants on them
    INSERT INTO {{rt}}.runtime_history (version, statements)
    SELECT {{from}}, ARRAY(
        SELECT s FROM (
            SELECT 1 AS k, p.oid::regprocedure::text AS name, pg_catalog.pg_get_functiondef(p.oid) AS s
              FROM pg_catalog.pg_proc p WHERE p.pronamespace = (SELECT ns.oid FROM pg_catalog.pg_namespace ns WHERE ns.nspname = {{rt_lit}})
            UNION ALL
            SELECT 2, c.oid::regclass::text,
                   format('CREATE VIEW %s AS %s', c.oid::regclass, pg_catalog.pg_get_viewdef(c.oid))
              FROM pg_catalog.pg_class c WHERE c.relnamespace = (SELECT ns.oid FROM pg_catalog.pg_namespace ns WHERE ns.nspname = {{rt_lit}}) AND c.relkind = 'v'
            UNION ALL
            SELECT 3, p.oid::regprocedure::text, format('REVOKE ALL ON ROUTINE %s FROM PUBLIC', p.oid::regprocedure)
              FROM pg_catalog.pg_proc p WHERE p.pronamespace = (SELECT ns.oid FROM pg_catalog.pg_namespace ns WHERE ns.nspname = {{rt_lit}})
            UNION ALL
            SELECT 4, p.oid::regprocedure::text,
                   format('GRANT %s ON ROUTINE %s TO %I', a.privilege_type, p.oid::regprocedure,
                          pg_catalog.pg_get_userbyid(a.grantee))
              FROM pg_catalog.pg_proc p, LATERAL aclexplode(p.proacl) a
             WHERE p.pronamespace = (SELECT ns.oid FROM pg_catalog.pg_namespace ns WHERE ns.nspname = {{rt_lit}}) AND a.grantee <> 0 AND a.grantee <> p.proowner
            UNION ALL
            SELECT 4, c.oid::regclass::text,
                   format('GRANT %s ON %s TO %I', a.privilege_type, c.oid::regclass, pg_catalog.pg_get_userbyid(a.grantee))
              FROM pg_catalog.pg_class c, LATERAL aclexplode(c.relacl) a
             WHERE c.relnamespace = (SELECT ns.oid FROM pg_catalog.pg_namespace ns WHERE ns.nspname = {{rt_lit}}) AND c.relkind = 'v'
               AND a.grantee <> 0 AND a.grantee <> c.relowner) x
         ORDER BY x.k, x.name, x.s);
END
${{tag}}$;
{{drop_code}}{{functions}}
-- the roles let in by grant_maintenance keep their access
DO ${{tag}}$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT DISTINCT a.grantee FROM pg_catalog.pg_namespace n, LATERAL aclexplode(n.nspacl) a
              WHERE n.oid = (SELECT ns.oid FROM pg_catalog.pg_namespace ns WHERE ns.nspname = {{rt_lit}}) AND a.privilege_type = 'USAGE' AND a.grantee <> n.nspowner
                AND a.grantee <> 0 ORDER BY 1 LOOP
        PERFORM {{rt}}.grant_maintenance(pg_catalog.pg_get_userbyid(r.grantee));
    END LOOP;
END
${{tag}}$;
UPDATE {{rt}}.runtime SET version = {{version}};
