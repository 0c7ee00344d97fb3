--! NOT VALID: PostgreSQL checks new rows from now on, and no existing one under this lock.
ALTER TABLE {{table}} ADD CONSTRAINT {{constraint}} CHECK ({{column}} IS NOT NULL) NOT VALID;
