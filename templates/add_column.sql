--! column_def: the column's name, type, NOT NULL and default, as in CREATE TABLE
ALTER TABLE {{table}} ADD COLUMN {{column_def}};
