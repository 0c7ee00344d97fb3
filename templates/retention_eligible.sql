--! A query inside fn_retention_partitions and fn_retire_statements: the partitions to retire at
--! p_now, newest first (never one of the newest {{protect}} that have begun, never a future one),
--! each with whether an interrupted DETACH ... CONCURRENTLY left it pending.
        SELECT e.part, e.pending
          FROM (SELECT b.part, b.lower_bound, b.upper_bound, {{pending}} AS pending,
                       row_number() OVER (ORDER BY b.lower_bound DESC) AS n
                  FROM ({{bounds}}) b
                 WHERE b.lower_bound <= p_now) e
         WHERE e.n > {{protect}}
           AND e.upper_bound <= p_now - {{keep}}::interval
         ORDER BY e.lower_bound DESC
