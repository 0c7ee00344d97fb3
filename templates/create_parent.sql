--! placeholders: table, definition, key
CREATE TABLE {{table}} (
{{definition}}
) PARTITION BY RANGE ({{key}});
