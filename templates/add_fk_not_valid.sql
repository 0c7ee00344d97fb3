--! NOT VALID: new and changed rows are checked from now on, no existing one under this lock.
ALTER TABLE {{table}} ADD CONSTRAINT {{constraint}}
    FOREIGN KEY ({{columns}}) REFERENCES {{ref_table}} ({{ref_columns}}) ON DELETE {{on_delete}} NOT VALID;
