CREATE TABLE {{table}} (
{{definition}}
);
