--! placeholders: table, partition
CREATE TABLE {{partition}} PARTITION OF {{table}} DEFAULT;
