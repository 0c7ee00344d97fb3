-- {{ref}}: its foreign key goes back to the plain table, NOT VALID (the
-- rollback of the backfill validates it while writers go on).
ALTER TABLE {{ref}} DROP CONSTRAINT {{constraint}};
ALTER TABLE {{ref}} ADD CONSTRAINT {{constraint}}
    FOREIGN KEY ({{fk_cols}}) REFERENCES {{table}} ({{ref_cols}}) ON DELETE {{on_delete}} NOT VALID;

-- The trigger reads the key of every row written again, as before the swap.
{{fill_function}}