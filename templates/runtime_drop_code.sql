--! Inside runtime_remove, runtime_upgrade and runtime_downgrade: drops every view and function of
--! the runtime's schema, whatever version made them (the tables stay).
DO ${{tag}}$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT c.oid::regclass AS v FROM pg_catalog.pg_class c
              WHERE c.relnamespace = (SELECT ns.oid FROM pg_catalog.pg_namespace ns WHERE ns.nspname = {{rt_lit}}) AND c.relkind = 'v' ORDER BY 1 LOOP
        EXECUTE format('DROP VIEW %s', r.v);
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS f FROM pg_catalog.pg_proc p
              WHERE p.pronamespace = (SELECT ns.oid FROM pg_catalog.pg_namespace ns WHERE ns.nspname = {{rt_lit}}) ORDER BY 1 LOOP
        EXECUTE format('DROP ROUTINE %s', r.f);
    END LOOP;
END
${{tag}}$;
