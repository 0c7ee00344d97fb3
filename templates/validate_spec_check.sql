--! SHARE UPDATE EXCLUSIVE while every row is checked: writers go on.
ALTER TABLE {{table}} VALIDATE CONSTRAINT {{constraint}};
