CREATE INDEX {{index}} ON {{table}} USING brin ({{key}});
