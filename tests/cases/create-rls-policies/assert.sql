-- Policies for select (using), insert (check) and update (using + check),
-- for a list of roles, and a grant to PUBLIC: on the table and on every
-- partition, also on one the maintenance function creates later.
\set ON_ERROR_STOP 1

-- The migration also ran the function with the real clock, which may have
-- added ranges after the static ones; drop those so that the counts below do
-- not depend on the day the test runs.
SELECT format('DROP TABLE %s', c.oid::regclass) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'public.tenant_notes'::regclass AND c.relname > 'tenant_notes_2027_01'
\gexec

DO $$
DECLARE n integer; p record; rel regclass;
BEGIN
    ASSERT to_regclass('public.tenant_notes_2027_05') IS NULL, 'May 2027 not made by the migration';
    n := partc.create_partitions('public', 'tenant_notes', '2027-04-10');
    rel := 'public.tenant_notes_2027_05'::regclass;
    ASSERT (SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = rel), 'new partition has RLS enabled and forced';
    ASSERT (SELECT count(*) FROM pg_policy WHERE polrelid = rel) = 3, 'three policies on the new partition';

    SELECT * INTO p FROM pg_policy WHERE polrelid = rel AND polname = 'notes_read';
    ASSERT p.polcmd = 'r' AND p.polpermissive, 'notes_read is a permissive SELECT policy';
    ASSERT p.polroles::regrole[] @> ARRAY['authenticated', 'service_role']::regrole[] AND cardinality(p.polroles) = 2, 'notes_read roles';
    ASSERT pg_get_expr(p.polqual, p.polrelid) = $e$(tenant_id = (current_setting('app.tenant_id'::text, true))::integer)$e$, 'notes_read using: ' || pg_get_expr(p.polqual, p.polrelid);
    ASSERT p.polwithcheck IS NULL, 'notes_read has no check';

    SELECT * INTO p FROM pg_policy WHERE polrelid = rel AND polname = 'notes_add';
    ASSERT p.polcmd = 'a' AND p.polroles = ARRAY['authenticated'::regrole::oid], 'notes_add is an INSERT policy for authenticated';
    ASSERT p.polqual IS NULL, 'notes_add has no using';
    ASSERT pg_get_expr(p.polwithcheck, p.polrelid) = $e$((tenant_id = (current_setting('app.tenant_id'::text, true))::integer) AND (body <> ''::text))$e$, 'notes_add check: ' || pg_get_expr(p.polwithcheck, p.polrelid);

    SELECT * INTO p FROM pg_policy WHERE polrelid = rel AND polname = 'notes_edit';
    ASSERT p.polcmd = 'w' AND p.polroles = ARRAY['authenticated'::regrole::oid], 'notes_edit is an UPDATE policy for authenticated';
    ASSERT pg_get_expr(p.polqual, p.polrelid) = $e$(tenant_id = (current_setting('app.tenant_id'::text, true))::integer)$e$, 'notes_edit using';
    ASSERT pg_get_expr(p.polwithcheck, p.polrelid) = $e$(length(body) < 1000)$e$, 'notes_edit check: ' || pg_get_expr(p.polwithcheck, p.polrelid);

    -- the grant to PUBLIC: an ACL entry with an empty grantee
    ASSERT EXISTS (SELECT 1 FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = rel AND a.grantee = 0 AND a.privilege_type = 'SELECT'), 'SELECT granted to PUBLIC';
    ASSERT NOT EXISTS (SELECT 1 FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = rel AND a.grantee = 0 AND a.privilege_type <> 'SELECT'), 'only SELECT to PUBLIC';
    ASSERT has_table_privilege('anon', rel, 'SELECT') AND NOT has_table_privilege('anon', rel, 'INSERT'), 'anon reads through PUBLIC only';
    ASSERT has_table_privilege('authenticated', rel, 'SELECT, INSERT, UPDATE') AND NOT has_table_privilege('authenticated', rel, 'DELETE'), 'authenticated grants';
END $$;

-- the policies at work, through the parent and on a partition directly
SET ROLE authenticated;
SET app.tenant_id = '1';
INSERT INTO public.tenant_notes (tenant_id, body, created_at) VALUES (1, 'mine', '2027-05-05+00');
DO $$
BEGIN
    ASSERT (SELECT count(*) FROM public.tenant_notes) = 1, 'tenant 1 sees its note';
    ASSERT (SELECT count(*) FROM public.tenant_notes_2027_05) = 1, 'tenant 1 sees its note in the partition';
    BEGIN
        INSERT INTO public.tenant_notes (tenant_id, body, created_at) VALUES (2, 'theirs', '2027-05-05+00');
        RAISE EXCEPTION 'insert for another tenant accepted';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        INSERT INTO public.tenant_notes_2027_05 (tenant_id, body, created_at) VALUES (1, '', '2027-05-05+00');
        RAISE EXCEPTION 'empty body accepted in the partition';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        UPDATE public.tenant_notes_2027_05 SET body = repeat('x', 1000);
        RAISE EXCEPTION 'update past the check accepted';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    UPDATE public.tenant_notes SET body = 'edited';
    ASSERT (SELECT body FROM public.tenant_notes) = 'edited', 'update within the check';
END $$;
SET app.tenant_id = '2';
DO $$ BEGIN
    ASSERT (SELECT count(*) FROM public.tenant_notes) = 0, 'tenant 2 sees nothing';
    ASSERT (SELECT count(*) FROM public.tenant_notes_2027_05) = 0, 'tenant 2 sees nothing in the partition';
END $$;
RESET app.tenant_id;
RESET ROLE;
SET ROLE anon;
DO $$ BEGIN
    ASSERT (SELECT count(*) FROM public.tenant_notes) = 0, 'anon may select (PUBLIC) but no policy lets it see rows';
END $$;
RESET ROLE;
DELETE FROM public.tenant_notes;
