--! placeholders: table
DROP TABLE {{table}};
