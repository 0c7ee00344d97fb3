--! SHARE UPDATE EXCLUSIVE while every row is read: writers go on.
ALTER TABLE {{table}} VALIDATE CONSTRAINT {{constraint}};
