--! placeholders: archive_schema
CREATE SCHEMA IF NOT EXISTS {{archive_schema}};
