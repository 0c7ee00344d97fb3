--! placeholders: table, constraint, columns, ref_table, ref_columns, on_delete
ALTER TABLE {{table}} ADD CONSTRAINT {{constraint}}
    FOREIGN KEY ({{columns}}) REFERENCES {{ref_table}} ({{ref_columns}}) ON DELETE {{on_delete}};
