-- Names that need quoting, each holding a double quote, a single quote, a
-- semicolon, the comment markers -- and /* */, spaces, uppercase and
-- non-ASCII letters: the schema, the table (and so its partitions, key,
-- functions, view), the columns, the check, the index and the policy exist
-- under exactly these names, and nothing else was created: no object that a
-- name cut at a quote, a ';' or a comment marker would have produced.
-- Names are written in $n$...$n$ quotes, so no escaping can hide a mistake.
\set ON_ERROR_STOP 1

-- The migration also ran the maintenance function with the real clock, which
-- may have added ranges after the static ones; drop those so that the sets
-- below do not depend on the day the test runs.
SELECT format('DROP TABLE %s', c.oid::regclass) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = format('%I.%I', $n$Ünïcødé "Sch"; -- /* x */$n$, $n$Ev"ents 'T'; -- /* 日本 */$n$)::regclass
   AND c.relname > $n$Ev"ents 'T'; -- /* 日本 */_2027_01$n$
\gexec

DO $$
DECLARE
    s   constant text := $n$Ünïcødé "Sch"; -- /* x */$n$;
    t   constant text := $n$Ev"ents 'T'; -- /* 日本 */$n$;
    nt  constant text := $n$Note 'n'; --x$n$;
    ct  constant text := $n$Créé "at" /*k*/$n$;
    chk constant text := $n$Chk "pos"; -- /* c */$n$;
    idx constant text := $n$Idx "1"; -- /* 日本 */$n$;
    pol constant text := $n$Pol 'p' "q"; -- /* 日本 */$n$;
    parts constant text[] := ARRAY[t || '_2026_11', t || '_2026_12', t || '_2027_01'];
    ns oid;
    rel oid;
    got text[];
    want text[];
BEGIN
    -- every name fits in 63 bytes, so none was truncated
    ASSERT (SELECT max(octet_length(x)) FROM unnest(ARRAY[s, t, nt, ct, chk, idx, pol]) x) <= 63, 'names within 63 bytes';

    -- the schema, and no other schema but the built-in ones and the runtime's
    SELECT oid INTO ns FROM pg_namespace WHERE nspname = s;
    ASSERT ns IS NOT NULL, 'schema ' || s;
    SELECT array_agg(nspname ORDER BY nspname) INTO got FROM pg_namespace
     WHERE nspname NOT LIKE 'pg\_%' AND nspname NOT IN ('information_schema', 'public', 'cron', 'partc');
    ASSERT got = ARRAY[s], 'the only schema created is ' || s || ', got ' || got::text;

    -- the table: partitioned, in that schema, by that key
    SELECT oid INTO rel FROM pg_class WHERE relnamespace = ns AND relname = t AND relkind = 'p';
    ASSERT rel IS NOT NULL, 'partitioned table ' || t;
    ASSERT pg_get_partkeydef(rel) = format('RANGE (%I)', ct), 'partition key: ' || pg_get_partkeydef(rel);

    -- exactly these relations in the schema: the table, its three ranges, the
    -- primary key and the named index with their partition indexes, the
    -- identity sequence (partition indexes are named by
    -- PostgreSQL from the partition names)
    SELECT array_agg(relname::text || ' ' || relkind::text ORDER BY relname::text || ' ' || relkind::text) INTO got FROM pg_class WHERE relnamespace = ns;
    SELECT array_agg(x ORDER BY x) INTO want FROM unnest(ARRAY[
        t || ' p', t || '_pkey I', idx || ' I', t || '_id_seq S',
        parts[1] || ' r', parts[2] || ' r', parts[3] || ' r',
        parts[1] || '_pkey i', parts[2] || '_pkey i', parts[3] || '_pkey i',
        parts[1] || '_id_idx i', parts[2] || '_id_idx i', parts[3] || '_id_idx i']) x;
    ASSERT got = want, 'relations in the schema: ' || got::text;
    ASSERT (SELECT count(*) FROM pg_class WHERE relnamespace = ns AND relkind IN ('r', 'p')) = 4, 'four tables in the schema';
    ASSERT (SELECT count(*) FROM pg_inherits WHERE inhparent = rel) = 3, 'three partitions';

    -- no relation, function, type or policy anywhere else but the runtime's:
    -- the database was empty before, so a name cut at a quote, ';' or
    -- comment would show here
    ASSERT NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.oid <> ns AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cron', 'partc')
                          AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'),
        'no relation outside the schema';
    ASSERT NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                          AND c.relname ~ '^(Ev|ents|T|Note|n|x|Créé|at|k|Chk|pos|c|Idx|1|Pol|p|q|日本|Ünïcødé|Sch)$'),
        'no relation named after a fragment of a name';
    ASSERT NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.oid <> ns AND (c.relname LIKE '%Ev"ents%' OR c.relname LIKE '%日本%'
                              OR c.relname LIKE '%Ünïcødé%' OR c.relname LIKE '%;%' OR c.relname LIKE '%--%'
                              OR c.relname LIKE '%/*%' OR c.relname LIKE '%*/%')),
        'no relation with a hostile fragment outside the schema';
    SELECT array_agg(proname ORDER BY proname) INTO got FROM pg_proc WHERE pronamespace = ns;
    ASSERT got IS NULL, 'no function in the schema (the runtime maintains the table): ' || got::text;
    ASSERT NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.oid <> ns AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cron', 'partc')),
        'no function outside the schema and the runtime';
    ASSERT NOT EXISTS (SELECT 1 FROM pg_type y JOIN pg_namespace n ON n.oid = y.typnamespace
                        WHERE n.oid <> ns AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cron', 'partc')
                          AND n.nspname NOT LIKE 'pg\_toast%'),
        'no type outside the schema';

    -- the columns, in order
    SELECT array_agg(attname::text ORDER BY attnum) INTO got FROM pg_attribute WHERE attrelid = rel AND attnum > 0 AND NOT attisdropped;
    ASSERT got = ARRAY['id', nt, ct], 'columns: ' || got::text;

    -- constraints: the key and the check on the table and on each partition
    -- (NOT NULL constraints, which PostgreSQL 18 lists too, aside)
    SELECT array_agg(conname::text || ' ' || contype::text ORDER BY conname::text || ' ' || contype::text) INTO got
      FROM pg_constraint WHERE connamespace = ns AND contype <> 'n';
    SELECT array_agg(x ORDER BY x) INTO want FROM unnest(ARRAY[
        t || '_pkey p', chk || ' c',
        parts[1] || '_pkey p', parts[2] || '_pkey p', parts[3] || '_pkey p', chk || ' c', chk || ' c', chk || ' c']) x;
    ASSERT got = want, 'constraints in the schema: ' || got::text;
    ASSERT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = rel AND conname = chk AND contype = 'c'), 'check on the table';
    ASSERT (SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND conname <> chk
             AND connamespace NOT IN (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema', 'partc'))) = 0,
        'no other check constraint';

    -- the named index, on the table
    ASSERT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                    WHERE i.indrelid = rel AND c.relname = idx AND c.relkind = 'I'), 'index ' || idx;

    -- the policy, on the table and on every partition, and no other
    ASSERT (SELECT array_agg(polname::text) FROM pg_policy WHERE polrelid = rel) = ARRAY[pol], 'policy on the table';
    ASSERT (SELECT count(*) FROM pg_policy WHERE polname = pol) = 4, 'policy on the table and its three partitions';
    ASSERT (SELECT count(*) FROM pg_policy) = 4, 'no other policy';
    ASSERT (SELECT polroles = ARRAY[0::oid] FROM pg_policy WHERE polrelid = rel), 'policy for PUBLIC';
    ASSERT (SELECT pg_get_expr(polqual, polrelid) FROM pg_policy WHERE polrelid = rel) = format('(%I <> ''''::text)', nt),
        'policy using: ' || (SELECT pg_get_expr(polqual, polrelid) FROM pg_policy WHERE polrelid = rel);

    -- the grant to PUBLIC (an ACL entry with grantee 0), SELECT only
    ASSERT EXISTS (SELECT 1 FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = rel AND a.grantee = 0 AND a.privilege_type = 'SELECT'),
        'SELECT granted to PUBLIC';
    ASSERT NOT EXISTS (SELECT 1 FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = rel AND a.grantee = 0 AND a.privilege_type <> 'SELECT'),
        'only SELECT to PUBLIC';
END $$;

-- the names at work: a row with the defaults lands in its range; the check
-- refuses a long note; the runtime's maintenance makes ranges named after
-- the table, with its policy, and its health view reads them
INSERT INTO "Ünïcødé ""Sch""; -- /* x */"."Ev""ents 'T'; -- /* 日本 */" ("Créé ""at"" /*k*/") VALUES ('2026-12-03+00');
DO $$
DECLARE
    s constant text := $n$Ünïcødé "Sch"; -- /* x */$n$;
    t constant text := $n$Ev"ents 'T'; -- /* 日本 */$n$;
    v text;
    n integer;
BEGIN
    EXECUTE format('SELECT %I FROM ONLY %I.%I', $n$Note 'n'; --x$n$, s, t || '_2026_12') INTO v;
    ASSERT v = $n$it's; -- /* not a comment */$n$, 'default of the note: ' || coalesce(v, 'NULL');
    BEGIN
        EXECUTE format('INSERT INTO %I.%I (%I, %I) VALUES (repeat(''x'', 200), ''2026-12-04+00'')', s, t, $n$Note 'n'; --x$n$, $n$Créé "at" /*k*/$n$);
        RAISE EXCEPTION 'check % not enforced', $n$Chk "pos"; -- /* c */$n$;
    EXCEPTION WHEN check_violation THEN NULL;
    END;
    n := partc.create_partitions(s, t, '2027-03-15');
    ASSERT n = 4, 'ranges made for 2027-02 .. 2027-05: ' || n;
    ASSERT to_regclass(format('%I.%I', s, t || '_2027_05')) IS NOT NULL, 'range named after the table';
    ASSERT (SELECT count(*) FROM pg_policy WHERE polname = $n$Pol 'p' "q"; -- /* 日本 */$n$) = 8, 'policy on the new ranges';
    SELECT h.status INTO v FROM partc.partition_health('2027-03-15') h WHERE h.table_name = format('%I.%I', s, t);
    ASSERT v = 'OK', 'health: ' || v;
    EXECUTE format('DELETE FROM %I.%I', s, t);
END $$;
