--! NOT VALID: new and changed rows are checked from now on, no existing one under this lock.
ALTER TABLE {{table}} ADD CONSTRAINT {{constraint}} CHECK ({{expr}}) NOT VALID;
