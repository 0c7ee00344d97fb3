--! placeholders: table, definition
CREATE TABLE {{table}} (
{{definition}}
);
