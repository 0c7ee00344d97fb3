-- Preflight: the live table must match the spec before anything changes.
-- Every mismatch is listed; nothing is created when one is found.
DO ${{tag}}$
DECLARE
    spec     jsonb := {{spec_json}};
    v_rel    regclass := pg_catalog.to_regclass({{table_lit}});
    v_bad    text[] := '{}';
    v_live   text[];
    v_owner  oid;
    v_rls    boolean;
    v_min    text;
    v_max    text;
    v_n      bigint;
    v_want   text;
    v_have   text;
    r        record;
BEGIN
    -- bounds and dates compare in UTC for the rest of this transaction
    PERFORM pg_catalog.set_config('timezone', 'UTC', true);
    IF v_rel IS NULL THEN
        RAISE EXCEPTION 'partc: table % does not exist', {{table_lit}}
            USING HINT = 'mode convert changes a table that exists and holds rows; use mode create for a new table';
    END IF;
    SELECT c.relowner, c.relrowsecurity INTO v_owner, v_rls FROM pg_catalog.pg_class c WHERE c.oid = v_rel;
    IF (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = v_rel) <> 'r' THEN
        RAISE EXCEPTION 'partc: % is not a plain table (it may be partitioned already)', {{table_lit}}
            USING HINT = 'if an earlier conversion swapped it, the prepare phase has nothing left to do';
    END IF;
    IF pg_catalog.to_regclass({{shadow_lit}}) IS NOT NULL AND pg_catalog.to_regclass({{state_lit}}) IS NOT NULL THEN
        RAISE EXCEPTION 'partc: the prepare phase of % has run already (% and % exist)', {{table_lit}}, {{shadow_lit}}, {{state_lit}}
            USING HINT = 'go on with the backfill migration; to prepare again, apply this migration''s rollback first';
    END IF;
    IF pg_catalog.to_regclass({{shadow_lit}}) IS NOT NULL THEN
        v_bad := v_bad || format('the shadow table name %s is taken by a table that is not partc''s', {{shadow_lit}});
    END IF;
    IF pg_catalog.to_regclass({{old_lit}}) IS NOT NULL THEN
        v_bad := v_bad || format('the name %s, which the old table gets at the swap, is taken', {{old_lit}});
    END IF;

    -- columns: declared ones exist with the declared type; none is generated
    FOR r IN SELECT c->>'name' AS name, c->>'type' AS type FROM jsonb_array_elements(spec->'columns') c LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                        WHERE a.attrelid = v_rel AND a.attname = r.name AND a.attnum > 0 AND NOT a.attisdropped) THEN
            v_bad := v_bad || format('column %I is declared but the table has none', r.name);
        ELSIF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                           WHERE a.attrelid = v_rel AND a.attname = r.name
                             AND a.atttypid = pg_catalog.to_regtype(r.type)) THEN
            v_bad := v_bad || (SELECT format('column %I is %s, the spec says %s', r.name,
                                             pg_catalog.format_type(a.atttypid, a.atttypmod), r.type)
                                 FROM pg_catalog.pg_attribute a WHERE a.attrelid = v_rel AND a.attname = r.name);
        END IF;
    END LOOP;
    FOR r IN SELECT a.attname FROM pg_catalog.pg_attribute a
              WHERE a.attrelid = v_rel AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated <> '' LOOP
        v_bad := v_bad || format('column %I is generated: convert does not copy generated columns yet', r.attname);
    END LOOP;

    -- the partition key: NOT NULL, and no row before the first range (both
    -- are reported at once, with what a fix needs to know)
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = v_rel AND a.attname = {{key_lit}} AND a.attnum > 0 AND NOT a.attisdropped) THEN
        v_bad := v_bad || format('partition key %I is not a column', {{key_lit}});
    ELSE
        IF NOT (SELECT a.attnotnull FROM pg_catalog.pg_attribute a WHERE a.attrelid = v_rel AND a.attname = {{key_lit}}) THEN
            EXECUTE format('SELECT count(*) FROM %s WHERE %I IS NULL', v_rel, {{key_lit}}) INTO v_n;
            v_bad := v_bad || format('partition key %I allows NULL and is NULL in %s of the rows (fill them, then add '
                                     'CHECK (%I IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL)', {{key_lit}}, v_n, {{key_lit}});
        END IF;
        EXECUTE format('SELECT min(%1$I)::text, max(%1$I)::text FROM %2$s', {{key_lit}}, v_rel) INTO v_min, v_max;
        IF NOT (spec->>'default_partition')::boolean AND v_min IS NOT NULL
           AND v_min::timestamptz < (spec->>'start')::timestamptz THEN
            EXECUTE format('SELECT count(*) FROM %s WHERE %I < %L', v_rel, {{key_lit}}, spec->>'start') INTO v_n;
            v_bad := v_bad || format('rows before partition.start %s: %s (the earliest %I is %s), and there is no default partition',
                                     spec->>'start', v_n, {{key_lit}}, v_min);
        END IF;
        PERFORM pg_catalog.set_config('partc.max_key', coalesce(v_max, ''), true);
    END IF;

    -- keys: the primary key and unique constraints are the spec's, as they are today
    SELECT array_agg(a.attname::text ORDER BY k.i) INTO v_live
      FROM pg_catalog.pg_constraint c
      CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, i)
      JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
     WHERE c.conrelid = v_rel AND c.contype = 'p';
    IF v_live IS NULL THEN
        v_bad := v_bad || 'the table has no primary key'::text;
    ELSIF v_live <> ARRAY(SELECT jsonb_array_elements_text(spec->'primary_key')) THEN
        v_bad := v_bad || format('the primary key is (%s), the spec says (%s)', array_to_string(v_live, ', '),
                                 array_to_string(ARRAY(SELECT jsonb_array_elements_text(spec->'primary_key')), ', '));
    END IF;
    FOR r IN SELECT i.indexrelid::regclass AS idx,
                    ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                            JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                           ORDER BY k.n) AS cols
               FROM pg_catalog.pg_index i
              WHERE i.indrelid = v_rel AND i.indisunique AND NOT i.indisprimary LOOP
        IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(spec->'unique') u
                        WHERE ARRAY(SELECT jsonb_array_elements_text(u)) = r.cols) THEN
            v_bad := v_bad || format('unique index %s on (%s) is not declared under unique', r.idx, array_to_string(r.cols, ', '));
        END IF;
    END LOOP;
    FOR r IN SELECT u FROM jsonb_array_elements(spec->'unique') u LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                        WHERE i.indrelid = v_rel AND i.indisunique AND i.indpred IS NULL
                          AND ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                                      JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                                     ORDER BY k.n) = ARRAY(SELECT jsonb_array_elements_text(r.u))) THEN
            v_bad := v_bad || format('unique (%s) is declared but the table has no such unique constraint',
                                     array_to_string(ARRAY(SELECT jsonb_array_elements_text(r.u)), ', '));
        END IF;
    END LOOP;

    -- indexes: every other index of the table is declared by name
    FOR r IN SELECT c.relname::text AS name FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
              WHERE i.indrelid = v_rel AND NOT i.indisprimary
                AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = v_rel)
                AND NOT i.indisunique LOOP
        IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(spec->'indexes') x WHERE x->>'name' = r.name) THEN
            v_bad := v_bad || format('index %I is not declared under indexes (it would be lost)', r.name);
        END IF;
    END LOOP;
    -- and each declared index the table has is defined as the spec says: the
    -- spec's is built on an empty copy of the table and both definitions are
    -- compared as PostgreSQL prints them (method, columns, order, nulls,
    -- operator classes, collations, include, predicate)
    FOR r IN SELECT x->>'name' AS name, (x->>'unique')::boolean AS uniq, x->>'def' AS def, c.oid AS live,
                    i.indisunique AS live_uniq
               FROM jsonb_array_elements(spec->'indexes') x
               JOIN pg_catalog.pg_class c ON c.relname = x->>'name' AND c.relnamespace =
                    (SELECT t.relnamespace FROM pg_catalog.pg_class t WHERE t.oid = v_rel)
               JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid AND i.indrelid = v_rel LOOP
        IF pg_catalog.to_regclass('pg_temp.partc_preflight') IS NULL THEN
            CREATE TEMP TABLE partc_preflight (LIKE {{table}});
        END IF;
        EXECUTE format('CREATE %sINDEX partc_preflight_idx ON pg_temp.partc_preflight %s',
                       CASE WHEN r.uniq THEN 'UNIQUE ' ELSE '' END, r.def);
        v_want := pg_catalog.pg_get_indexdef('pg_temp.partc_preflight_idx'::regclass);
        v_want := substr(v_want, position(' USING ' IN v_want) + 1);
        v_have := pg_catalog.pg_get_indexdef(r.live);
        v_have := substr(v_have, length(format('CREATE %sINDEX %I ON %s ', CASE WHEN r.live_uniq THEN 'UNIQUE ' ELSE '' END,
                                               r.name, (SELECT format('%I.%I', n.nspname, t.relname)
                                                          FROM pg_catalog.pg_class t
                                                          JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
                                                         WHERE t.oid = v_rel))) + 1);
        IF v_want IS DISTINCT FROM v_have OR r.uniq IS DISTINCT FROM r.live_uniq THEN
            v_bad := v_bad || format('index %I is %s%s on the table, the spec says %s%s', r.name,
                                     CASE WHEN r.live_uniq THEN 'UNIQUE ' ELSE '' END, v_have,
                                     CASE WHEN r.uniq THEN 'UNIQUE ' ELSE '' END, v_want);
        END IF;
        DROP INDEX pg_temp.partc_preflight_idx;
    END LOOP;
    IF pg_catalog.to_regclass('pg_temp.partc_preflight') IS NOT NULL THEN
        DROP TABLE pg_temp.partc_preflight;
    END IF;

    -- checks declared exist (the others are copied as they are)
    FOR r IN SELECT jsonb_array_elements_text(spec->'checks') AS name LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c
                        WHERE c.conrelid = v_rel AND c.contype = 'c' AND c.conname = r.name) THEN
            v_bad := v_bad || format('check %I is declared but the table has none (add and validate it first)', r.name);
        END IF;
    END LOOP;

    -- foreign keys: out of the table, declared both ways; into it, none
    FOR r IN SELECT c.conname, c.confrelid::regclass AS ref,
                    (SELECT n.nspname FROM pg_catalog.pg_class t JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
                      WHERE t.oid = c.confrelid)::text AS ref_schema,
                    (SELECT t.relname FROM pg_catalog.pg_class t WHERE t.oid = c.confrelid)::text AS ref_table,
                    ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n) AS cols,
                    ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n) AS refcols
               FROM pg_catalog.pg_constraint c WHERE c.conrelid = v_rel AND c.contype = 'f' LOOP
        IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(spec->'foreign_keys') f
                        WHERE f->>'ref_schema' = r.ref_schema AND f->>'ref_table' = r.ref_table
                          AND ARRAY(SELECT jsonb_array_elements_text(f->'columns')) = r.cols
                          AND ARRAY(SELECT jsonb_array_elements_text(f->'ref_columns')) = r.refcols) THEN
            v_bad := v_bad || format('foreign key %I (%s) to %s is not declared under foreign_keys', r.conname,
                                     array_to_string(r.cols, ', '), r.ref);
        END IF;
    END LOOP;
    FOR r IN SELECT f FROM jsonb_array_elements(spec->'foreign_keys') f LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c
                         JOIN pg_catalog.pg_class t ON t.oid = c.confrelid
                         JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
                        WHERE c.conrelid = v_rel AND c.contype = 'f'
                          AND n.nspname = r.f->>'ref_schema' AND t.relname = r.f->>'ref_table'
                          AND ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                                      JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n)
                              = ARRAY(SELECT jsonb_array_elements_text(r.f->'columns'))) THEN
            v_bad := v_bad || format('foreign key (%s) to %I.%I is declared but the table has none (add and validate it first)',
                                     array_to_string(ARRAY(SELECT jsonb_array_elements_text(r.f->'columns')), ', '),
                                     r.f->>'ref_schema', r.f->>'ref_table');
        END IF;
    END LOOP;
    FOR r IN SELECT c.conname, c.conrelid::regclass AS src FROM pg_catalog.pg_constraint c
              WHERE c.confrelid = v_rel AND c.contype = 'f' AND c.conrelid <> v_rel LOOP
        v_bad := v_bad || format('foreign key %I of %s references the table: after the swap it would still point at the old table',
                                 r.conname, r.src);
    END LOOP;

    -- what the copy would not carry over
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhparent = v_rel OR i.inhrelid = v_rel) THEN
        v_bad := v_bad || 'the table takes part in table inheritance'::text;
    END IF;
    FOR r IN SELECT c.conname FROM pg_catalog.pg_constraint c WHERE c.conrelid = v_rel AND c.contype = 'x' LOOP
        v_bad := v_bad || format('exclusion constraint %I cannot be carried over to a partitioned table', r.conname);
    END LOOP;
    IF v_owner <> (SELECT r2.oid FROM pg_catalog.pg_roles r2 WHERE r2.rolname = current_user) THEN
        v_bad := v_bad || format('the table belongs to %I: run the conversion as that role, which will own the new table',
                                 pg_catalog.pg_get_userbyid(v_owner));
    END IF;

    -- what is bound to the table by OID and would stay with the old one
    FOR r IN SELECT DISTINCT v.oid::regclass AS view
               FROM pg_catalog.pg_depend d
               JOIN pg_catalog.pg_rewrite w ON w.oid = d.objid
               JOIN pg_catalog.pg_class v ON v.oid = w.ev_class
              WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refobjid = v_rel AND v.oid <> v_rel LOOP
        v_bad := v_bad || format('view %s depends on the table (drop it before and create it again after the swap)', r.view);
    END LOOP;
    FOR r IN SELECT DISTINCT d.objid::regprocedure AS fn FROM pg_catalog.pg_depend d
              WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
                AND d.refobjid = v_rel LOOP
        v_bad := v_bad || format('function %s depends on the table (its body would keep using the old table)', r.fn);
    END LOOP;
    FOR r IN SELECT p.polname, p.polrelid::regclass AS rel FROM pg_catalog.pg_depend d
               JOIN pg_catalog.pg_policy p ON p.oid = d.objid
              WHERE d.classid = 'pg_catalog.pg_policy'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
                AND d.refobjid = v_rel AND p.polrelid <> v_rel LOOP
        v_bad := v_bad || format('policy %I of %s reads the table (it would keep reading the old table)', r.polname, r.rel);
    END LOOP;
    FOR r IN SELECT t.tgname FROM pg_catalog.pg_trigger t
              WHERE t.tgrelid = v_rel AND NOT t.tgisinternal AND t.tgname NOT LIKE 'partc\_sync\_%' LOOP
        v_bad := v_bad || format('trigger %I is on the table (partc does not carry triggers over)', r.tgname);
    END LOOP;
    FOR r IN SELECT p.pubname FROM pg_catalog.pg_publication_rel pr JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid
              WHERE pr.prrelid = v_rel LOOP
        v_bad := v_bad || format('the table is in publication %I (add the new table to it after the swap, then remove it here)', r.pubname);
    END LOOP;

    -- security: what the live table has, the spec declares
    IF v_rls AND NOT (spec->>'rls')::boolean THEN
        v_bad := v_bad || 'row-level security is enabled on the table but security.rls is not true'::text;
    END IF;
    FOR r IN SELECT p.polname::text AS name FROM pg_catalog.pg_policy p WHERE p.polrelid = v_rel LOOP
        IF NOT spec->'policies' ? r.name THEN
            v_bad := v_bad || format('policy %I is not declared under security.policies', r.name);
        END IF;
    END LOOP;
    FOR r IN SELECT CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(x.grantee)::text END AS role,
                    lower(x.privilege_type) AS priv
               FROM pg_catalog.pg_class c, LATERAL aclexplode(c.relacl) x
              WHERE c.oid = v_rel AND x.grantee <> v_owner LOOP
        IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(spec->'grants') g
                        WHERE g->>'role' = r.role AND (g->'privileges' ? r.priv OR g->'privileges' ? 'all')) THEN
            v_bad := v_bad || format('%s holds %s on the table; declare it under security.grants', r.role, upper(r.priv));
        END IF;
    END LOOP;
    IF (v_rls OR (spec->>'rls')::boolean)
       AND NOT (SELECT r2.rolsuper OR r2.rolbypassrls FROM pg_catalog.pg_roles r2 WHERE r2.rolname = current_user) THEN
        v_bad := v_bad || format('role %I cannot bypass row-level security, so the copy could miss rows', current_user);
    END IF;

    IF cardinality(v_bad) > 0 THEN
        RAISE EXCEPTION 'partc: % does not match its spec:%', {{table_lit}}, E'\n  - ' || array_to_string(v_bad, E'\n  - ')
            USING HINT = 'change the table or the spec until they agree; nothing was changed';
    END IF;
END
${{tag}}$;
