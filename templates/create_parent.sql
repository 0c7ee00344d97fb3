CREATE TABLE {{table}} (
{{definition}}
) PARTITION BY RANGE ({{key}});
