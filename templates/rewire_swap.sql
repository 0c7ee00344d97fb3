-- {{ref}}: its foreign key moves to the partitioned table's key, NOT VALID
-- (new and changed rows are checked from now on; the cleanup validates the
-- rest while writers go on).
ALTER TABLE {{ref}} DROP CONSTRAINT {{constraint}};
ALTER TABLE {{ref}} ADD CONSTRAINT {{constraint}}
    FOREIGN KEY ({{fk_cols}}, {{column}}) REFERENCES {{table}} ({{ref_cols}}, {{key}})
    ON DELETE {{on_delete}} ON UPDATE CASCADE NOT VALID;

{{fill_function}}