-- Both schemas exist (empty) before the migration.  The up uses
-- CREATE SCHEMA IF NOT EXISTS; the down must leave them, as they were not
-- the migration's to drop.
CREATE SCHEMA audit;
CREATE SCHEMA cold;
