--! method attach: the conversion's state table, one row (the columns the runtime reads of a copy's too).
CREATE TABLE {{state}} (
    id          bigint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    method      text NOT NULL DEFAULT 'attach' CHECK (method = 'attach'),
    phase       text NOT NULL DEFAULT 'new'
                CHECK (phase IN ('new', 'validate', 'keys', 'done', 'swapped')),
    lower_bound timestamptz NOT NULL,           -- the table's rows lie in [lower_bound, cutover)
    cutover     timestamptz NOT NULL,
    keys        jsonb NOT NULL,                 -- the keys the backfill gives the table
    live_pkey   text,                           -- the primary key's name before it did
    next_page   bigint NOT NULL DEFAULT 0,
    rows_copied bigint NOT NULL DEFAULT 0,      -- none: nothing is copied
    started_at  timestamptz,
    finished_at timestamptz,
    swapped_at  timestamptz
);
INSERT INTO {{state}} (lower_bound, cutover, keys, phase, swapped_at)
VALUES ({{lower_ts}}, {{cutover_ts}}, {{keys_json}}, {{state_phase}}, {{swapped_at}});
