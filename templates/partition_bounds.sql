--! A query: one row per range partition of the table with its bounds; used inside the maintenance
--! functions (TimeZone is UTC there).
SELECT c.oid::regclass AS part,
               (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']*)''\)'))[1]::timestamptz AS lower_bound,
               (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']*)''\)'))[1]::timestamptz AS upper_bound
          FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = {{table_lit}}::regclass
           AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'