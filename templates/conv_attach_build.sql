--! Writers go on while it is built; outside a transaction block, alone in its file.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {{index}}
    ON {{table}} ({{columns}});
