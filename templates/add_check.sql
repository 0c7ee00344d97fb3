--! Every row is checked under the lock (a rollback's).
ALTER TABLE {{table}} ADD CONSTRAINT {{constraint}} CHECK ({{expr}});
