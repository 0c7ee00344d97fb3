-- Checks specific to the examples of specs/, after their up migrations ran.
-- Clocks are moved through the functions' p_now argument.  What retention
-- detaches or archives is dropped at the end so that the rollback can be
-- compared with the baseline.
\set ON_ERROR_STOP 1

-- the partitions the migration wrote statically, with exact bounds
DO $$
DECLARE b text;
BEGIN
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.jobs_y2026m11'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00')$b$, 'jobs_y2026m11 bounds: ' || b;
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.jobs_y2027m02'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2027-02-01 00:00:00+00') TO ('2027-03-01 00:00:00+00')$b$, 'jobs_y2027m02 bounds: ' || b;
    -- ISO weeks: 2026-W47 starts on Monday 2026-11-16; W53 of 2026 exists
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.wa_msgs_2026w47'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2026-11-16 00:00:00+00') TO ('2026-11-23 00:00:00+00')$b$, 'wa_msgs_2026w47 bounds: ' || b;
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.wa_msgs_2026w53'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2026-12-28 00:00:00+00') TO ('2027-01-04 00:00:00+00')$b$, 'wa_msgs_2026w53 bounds: ' || b;
    SELECT pg_get_expr(relpartbound, oid) INTO b FROM pg_class WHERE oid = 'public.tech_loc_20261122'::regclass;
    ASSERT b = $b$FOR VALUES FROM ('2026-11-22 00:00:00+00') TO ('2026-11-23 00:00:00+00')$b$, 'tech_loc_20261122 bounds: ' || b;
    ASSERT to_regclass('public.tech_loc_20270220') IS NOT NULL, 'daily partitions reach --as-of + 90 days';
END $$;

-- security: every partition of jobs carries RLS, the policy and the grant
DO $$
DECLARE n integer;
BEGIN
    SELECT count(*) INTO n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public.jobs'::regclass
       AND (NOT c.relrowsecurity OR NOT c.relforcerowsecurity
            OR NOT has_table_privilege('authenticated', c.oid, 'SELECT, INSERT, UPDATE, DELETE')
            OR NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'org_isolation'));
    ASSERT n = 0, n || ' partitions of jobs are not secured';
    ASSERT has_table_privilege('service_role', 'public.audit_logs_y2026m12', 'INSERT'), 'audit_logs partition grant';
    ASSERT NOT has_table_privilege('service_role', 'public.audit_logs_y2026m12', 'DELETE'), 'audit_logs grants only what the spec says';
    ASSERT has_table_privilege('jive_api_user', 'public.idempotency_records', 'DELETE'), 'idempotency_records grant';
    ASSERT NOT has_table_privilege('jive_api_user', 'public.idempotency_records', 'UPDATE'), 'no UPDATE on idempotency_records';
END $$;

-- identity works through the parent; rows land in their partition
INSERT INTO public.organizations VALUES ('00000000-0000-0000-0000-000000000001');
INSERT INTO public.jobs (organization_id, created_at) VALUES ('00000000-0000-0000-0000-000000000001', '2026-12-05');
DO $$ BEGIN
    ASSERT (SELECT count(*) FROM ONLY public.jobs_y2026m12) = 1, 'row routed to jobs_y2026m12';
    ASSERT (SELECT id FROM public.jobs) IS NOT NULL, 'identity assigned';
END $$;
DELETE FROM public.jobs;
DELETE FROM public.organizations;

-- maintenance with a moved clock: a jump of months leaves no gap
DO $$
DECLARE n integer; h record;
BEGIN
    SELECT status INTO h FROM partc.partition_health('2027-06-15') WHERE table_name = 'public.jobs';
    ASSERT h.status = 'CRITICAL', 'health in June 2027 before maintenance: ' || h.status;
    n := partc.create_partitions('public', 'jobs', '2027-06-15');
    ASSERT n = 7, 'jobs partitions created for 2027-06-15: ' || n;   -- 2027-03 .. 2027-09
    ASSERT partc.create_partitions('public', 'jobs', '2027-06-15') = 0, 'second run creates nothing';
    SELECT * INTO h FROM partc.partition_health('2027-06-15') WHERE table_name = 'public.jobs';
    ASSERT h.status = 'OK' AND h.partitions = 11, 'health after maintenance: ' || h.status || ' ' || h.partitions;
    SELECT * INTO h FROM partc.partition_health('2027-09-27') WHERE table_name = 'public.jobs';
    ASSERT h.status = 'WARNING', 'four days before the last range ends: ' || h.status;
    SELECT * INTO h FROM partc.partition_health('2027-09-29') WHERE table_name = 'public.jobs';
    ASSERT h.status = 'CRITICAL', 'two days before the last range ends: ' || h.status;
    -- new partitions get the table's security
    ASSERT (SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = 'public.jobs_y2027m09'::regclass), 'new partition has RLS';
    -- ISO week 53 and the year boundary by the function
    n := partc.create_partitions('public', 'wa_messages', '2027-12-29');
    ASSERT to_regclass('public.wa_msgs_2027w52') IS NOT NULL AND to_regclass('public.wa_msgs_2028w01') IS NOT NULL, 'weekly names across a year';
END $$;

-- retention: drop keeps the protected and the young; detach and archive move tables out
DO $$
DECLARE n integer; before integer;
BEGIN
    SELECT count(*) INTO before FROM pg_inherits WHERE inhparent = 'public.technician_location_history'::regclass;
    PERFORM partc.create_partitions('public', 'technician_location_history', '2027-06-01');
    n := partc.apply_retention('public', 'technician_location_history', '2027-06-01');
    ASSERT n > 0, 'daily retention dropped nothing';
    ASSERT to_regclass('public.tech_loc_20270302') IS NULL, 'a range older than 90 days is dropped';
    ASSERT to_regclass('public.tech_loc_20270303') IS NOT NULL, 'the range ending exactly 90 days ago is kept';
    ASSERT partc.apply_retention('public', 'technician_location_history', '2027-06-01') = 0, 'retention is idempotent';

    -- far in the future every old range qualifies, but the newest two that began stay
    n := partc.apply_retention('public', 'jobs', '2031-01-01');
    ASSERT n = 9, 'jobs detached in 2031: ' || n;
    ASSERT (SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.jobs'::regclass) = 2, 'protect 2 keeps two partitions';
    ASSERT to_regclass('public.jobs_y2026m11') IS NOT NULL, 'detached partition is kept as a table';

    n := partc.apply_retention('public', 'audit_logs', '2031-01-01');
    ASSERT n > 0 AND to_regclass('audit_archive.audit_logs_y2026m11') IS NOT NULL, 'archive moves partitions to audit_archive';
END $$;

-- TTL table: batched delete, at most p_max_batches batches a call
INSERT INTO public.idempotency_records (request_id, operation, result_payload, created_at, expires_at)
SELECT gen_random_uuid(), 'op', '{}', now() - interval '2 days', now() - interval '1 day' FROM generate_series(1, 25000);
INSERT INTO public.idempotency_records (request_id, operation, result_payload, expires_at)
SELECT gen_random_uuid(), 'op', '{}', now() + interval '1 day' FROM generate_series(1, 10);
DO $$ BEGIN
    ASSERT partc.apply_retention('public', 'idempotency_records', now(), 2) = 20000, 'two batches of 10000';
    ASSERT partc.apply_retention('public', 'idempotency_records') = 5000, 'the rest';
    ASSERT (SELECT count(*) FROM public.idempotency_records) = 10, 'live rows stay';
END $$;
DELETE FROM public.idempotency_records;

-- leave no detached or archived table behind for the rollback comparison
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind = 'r' AND NOT c.relispartition
                AND (n.nspname = 'audit_archive' OR c.relname ~ '^jobs_y[0-9]{4}m[0-9]{2}$')
    LOOP
        EXECUTE 'DROP TABLE ' || r.rel;
    END LOOP;
END $$;

-- one table's maintenance failing stops no other's: maintain() records the
-- failure, says why, and the health view shows which table and why; the
-- next run after the cause is gone clears it.  (The failure here: the
-- relation registered for audit_logs is not there.)
UPDATE partc.tables SET live_name = 'audit_logs_gone' WHERE schema_name = 'public' AND table_name = 'audit_logs';
DO $$
DECLARE
    r record;
    n_ok integer := 0;
BEGIN
    FOR r IN SELECT * FROM partc.maintain(p_now => '2027-08-15') LOOP
        IF r.table_name = 'public.audit_logs' THEN
            ASSERT r.error LIKE '%audit_logs_gone%', 'the failure says why: ' || coalesce(r.error, 'no error');
        ELSE
            ASSERT r.error IS NULL, r.table_name || ' failed too: ' || r.error;
            n_ok := n_ok + 1;
        END IF;
    END LOOP;
    ASSERT n_ok = 5, 'the other five tables were maintained: ' || n_ok;
    ASSERT (SELECT count(*) FROM partc.tables WHERE last_run IS NOT NULL AND last_error IS NULL) = 5,
        'the others are recorded as maintained';
    ASSERT (SELECT h.status FROM partc.partition_health h WHERE h.table_name = 'public.audit_logs') = 'FAILED',
        'health: FAILED';
    ASSERT (SELECT h.last_error FROM partc.partition_health h WHERE h.table_name = 'public.audit_logs') LIKE '%audit_logs_gone%',
        'health: why';
END $$;
UPDATE partc.tables SET live_name = 'audit_logs' WHERE schema_name = 'public' AND table_name = 'audit_logs';
DO $$ BEGIN
    ASSERT (SELECT error FROM partc.maintain('public', 'audit_logs', '2027-08-15')) IS NULL, 'maintained again';
    ASSERT (SELECT h.status FROM partc.partition_health h WHERE h.table_name = 'public.audit_logs') <> 'FAILED',
        'the failure is cleared';
END $$;
-- what the maintenance retired and made stays out of the rollback comparison
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind = 'r' AND NOT c.relispartition
                AND (n.nspname = 'audit_archive' OR c.relname ~ '^jobs_y[0-9]{4}m[0-9]{2}$')
    LOOP
        EXECUTE 'DROP TABLE ' || r.rel;
    END LOOP;
END $$;
