-- SHARE UPDATE EXCLUSIVE on {{ref}}: every row is read, writers go on.
ALTER TABLE {{ref}} VALIDATE CONSTRAINT {{constraint}};
