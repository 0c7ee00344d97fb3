-- How far ahead the partitions of the table reach from p_now: OK, or WARNING
-- below {{warn}}, or CRITICAL below {{critical}} (or with no partition at all).
CREATE FUNCTION {{fn_health}}(p_now timestamptz DEFAULT now())
RETURNS TABLE (table_name text, partitions integer, newest_bound timestamptz, ahead interval, status text)
LANGUAGE sql
STABLE
SET search_path = {{search_path}}
SET timezone = 'UTC'
AS ${{tag}}$
    SELECT {{table_lit}}::text,
           count(*)::integer,
           max(b.upper_bound),
           max(b.upper_bound) - p_now,
           CASE WHEN max(b.upper_bound) IS NULL OR max(b.upper_bound) < p_now + {{critical}}::interval THEN 'CRITICAL'
                WHEN max(b.upper_bound) < p_now + {{warn}}::interval THEN 'WARNING'
                ELSE 'OK' END
      FROM ({{bounds}}) b
${{tag}}$;

CREATE VIEW {{view_health}} AS SELECT * FROM {{fn_health}}();
