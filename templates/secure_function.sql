--! body: one EXECUTE per statement of sec_*.sql.
-- Applies the table's row-level security, policies and grants to one relation:
-- PostgreSQL does not carry them from a partitioned table to its partitions.
CREATE FUNCTION {{fn_secure}}(p_rel regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = {{policy_search_path}}
AS ${{tag}}$
BEGIN
{{body}}END
${{tag}}$;
