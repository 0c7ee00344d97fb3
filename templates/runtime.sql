--! The runtime's first migration: its schema, its tables, and its functions (runtime_functions).
--! A table's own migrations hold its DDL and register its settings as a row of {{rt}}.tables.
CREATE SCHEMA {{rt}};
COMMENT ON SCHEMA {{rt}} IS {{rt_comment}};

-- The version installed (the runtime migrations of the folder count them):
-- one row.
CREATE TABLE {{rt}}.runtime (
    version integer NOT NULL,
    one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row)
);
INSERT INTO {{rt}}.runtime (version) VALUES (1);

-- The functions and views of each earlier version, as an upgrade found
-- them: the rollback of that upgrade puts them back.
CREATE TABLE {{rt}}.runtime_history (
    version    integer PRIMARY KEY,
    statements text[] NOT NULL
);

-- One row per table that partc maintains: its settings, as its migrations
-- registered them, and how its last maintenance went.
CREATE TABLE {{rt}}.tables (
    schema_name       text NOT NULL,
    table_name        text NOT NULL,              -- the table of the spec
    live_name         text NOT NULL,              -- the relation maintained now (a shadow until its swap)
    phase             text NOT NULL DEFAULT 'live'
                      CHECK (phase IN ('live', 'prepare', 'backfill', 'swap')),
    key_column        text,                       -- the partition key
    step              interval,                   -- a partition's range (or the BRIN key's, for protect)
    trunc_unit        text,                       -- date_trunc unit of the range
    start_at          timestamptz,                -- lower bound of the first partition
    premake           integer CHECK (premake >= 0),
    name_format       text,                       -- to_char format of a partition's name; NULL: not partitioned
    bound_format      text,                       -- to_char format of a bound
    lock_timeout      text NOT NULL DEFAULT '50ms',  -- per lock attempt of maintenance
    warn_ahead        interval,
    critical_ahead    interval,
    retention_keep    interval,                   -- NULL: no retention
    retention_action  text CHECK (retention_action IN ('drop', 'detach', 'archive', 'delete')),
    retention_column  text,
    retention_batch   integer CHECK (retention_batch > 0),
    retention_protect integer CHECK (retention_protect >= 0),
    retention_cutoff_inclusive boolean NOT NULL DEFAULT false,
    archive_schema    text,
    security          jsonb NOT NULL DEFAULT '{}',  -- {rls, policies: [...], grants: [...]}
    shadow_name       text,                       -- a conversion: the partitioned table until the swap
    old_name          text,                       -- ... and the name the table gets at the swap
    identity_columns  text[],                     -- ... the primary key as it is today
    batch_rows        integer CHECK (batch_rows > 0),  -- ... the backfill's batches
    batch_pause       interval,
    conv_lock_timeout text,                       -- ... the lock_timeout of its switch to mirroring
    statement_limit   interval,                   -- ... settings.statement_timeout (0: none)
    security_path     text NOT NULL DEFAULT 'pg_catalog, public, pg_temp',
    last_run          timestamptz,
    last_error        text,
    PRIMARY KEY (schema_name, table_name),
    CHECK ((step IS NULL) = (trunc_unit IS NULL))
);

{{functions}}