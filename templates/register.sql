--! settings: a literal, the table's row as JSON, one key a line.
INSERT INTO {{rt}}.tables
SELECT * FROM jsonb_populate_record(NULL::{{rt}}.tables, {{settings}});
