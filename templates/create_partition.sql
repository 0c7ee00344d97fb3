CREATE TABLE {{partition}} PARTITION OF {{table}}
    FOR VALUES FROM ({{from}}) TO ({{to}});
