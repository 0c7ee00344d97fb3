-- Columns, types, defaults, identity, NOT NULL and checks come from the live
-- table itself; keys and indexes come from the spec.
CREATE TABLE {{shadow}} (LIKE {{table}}
    INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS
    INCLUDING STORAGE INCLUDING COMMENTS INCLUDING COMPRESSION INCLUDING STATISTICS{{keys}})
    PARTITION BY RANGE ({{key}});
