--! placeholders: schema
CREATE SCHEMA IF NOT EXISTS {{schema}};
