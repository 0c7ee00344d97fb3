CREATE TABLE visits (
    id   bigint NOT NULL,
    at   timestamptz NOT NULL,
    path text,
    PRIMARY KEY (id, at)
);
INSERT INTO visits SELECT i, timestamptz '2026-09-01' + i * interval '7 minutes', 'p' || i
  FROM generate_series(1, 5000) AS i;
