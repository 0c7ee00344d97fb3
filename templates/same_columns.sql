--! Refuses when the two tables' columns (names and types, in order) differ: the sync copies whole
--! rows.
    IF (SELECT array_agg(a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
          FROM pg_catalog.pg_attribute a WHERE a.attrelid = {{a_lit}}::regclass AND a.attnum > 0 AND NOT a.attisdropped)
       IS DISTINCT FROM
       (SELECT array_agg(a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
          FROM pg_catalog.pg_attribute a WHERE a.attrelid = {{b_lit}}::regclass AND a.attnum > 0 AND NOT a.attisdropped) THEN
        RAISE EXCEPTION 'partc: the columns of % and % differ: a table changed {{since}}', {{a_lit}}, {{b_lit}}
            USING HINT = {{hint}};
    END IF;
