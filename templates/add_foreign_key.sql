ALTER TABLE {{table}} ADD CONSTRAINT {{constraint}}
    FOREIGN KEY ({{columns}}) REFERENCES {{ref_table}} ({{ref_columns}}) ON DELETE {{on_delete}};
