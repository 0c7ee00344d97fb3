CREATE TABLE {{partition}} PARTITION OF {{table}} DEFAULT;
