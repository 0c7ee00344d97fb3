ALTER TABLE {{table}} DROP CONSTRAINT IF EXISTS {{constraint}};
