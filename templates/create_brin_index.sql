--! placeholders: index, table, key
CREATE INDEX {{index}} ON {{table}} USING brin ({{key}});
