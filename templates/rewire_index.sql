--! Writers go on while it is built; outside a transaction block, alone in its file.
CREATE INDEX CONCURRENTLY IF NOT EXISTS {{index}}
    ON {{ref}} ({{fk_cols}}, {{column}});
