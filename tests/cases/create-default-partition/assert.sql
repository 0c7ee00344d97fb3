-- A default partition catches rows outside every range; the maintenance
-- function moves them into the range partition it creates for them.
\set ON_ERROR_STOP 1

-- The migration also ran the function with the real clock, which may have
-- added ranges after the static ones; drop those so that the counts below do
-- not depend on the day the test runs.
SELECT format('DROP TABLE %s', c.oid::regclass) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'public.orders'::regclass AND c.relname > 'orders_2027_01' AND c.relname <> 'orders_default'
\gexec

DO $$ BEGIN
    ASSERT (SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE oid = 'public.orders_default'::regclass) = 'DEFAULT', 'orders_default is the default partition';
    ASSERT to_regclass('public.orders_2027_01') IS NOT NULL AND to_regclass('public.orders_2027_02') IS NULL, 'static partitions 2026-11 .. 2027-01';
END $$;

-- identity is GENERATED ALWAYS: the moved rows keep their ids
INSERT INTO public.orders (customer, placed_at) VALUES
    ('in-range', '2026-12-24 12:00+00'),
    ('before-start', '2025-05-01 00:00+00'),
    ('march-1', '2027-03-15 10:00+00'),
    ('march-2', '2027-03-31 23:59:59+00'),
    ('far', '2030-01-01 00:00+00');
CREATE TEMP TABLE want AS SELECT id, customer FROM public.orders;

DO $$
DECLARE n integer;
BEGIN
    ASSERT (SELECT count(*) FROM ONLY public.orders_2026_12) = 1, 'in-range row in orders_2026_12';
    ASSERT (SELECT count(*) FROM ONLY public.orders_default) = 4, 'four rows outside every range in the default partition';

    -- 2027-02-10: ranges 2027-02 .. 2027-04 are created; the March rows move
    n := partc.create_partitions('public', 'orders', '2027-02-10');
    ASSERT n = 3, 'partitions created for 2027-02-10: ' || n;
    ASSERT (SELECT count(*) FROM ONLY public.orders_2027_03) = 2, 'March rows moved to orders_2027_03';
    ASSERT (SELECT count(*) FROM ONLY public.orders_2027_02) = 0, 'nothing in orders_2027_02';
    ASSERT (SELECT count(*) FROM ONLY public.orders_default) = 2, 'rows outside every range stay in the default partition';
    ASSERT (SELECT string_agg(customer, ',' ORDER BY customer) FROM ONLY public.orders_default) = 'before-start,far', 'default partition keeps the others';
    ASSERT (SELECT count(*) FROM public.orders) = 5, 'no row lost';
    ASSERT NOT EXISTS (SELECT id, customer FROM public.orders EXCEPT SELECT id, customer FROM want), 'ids kept';
    ASSERT EXISTS (SELECT 1 FROM pg_index WHERE indrelid = 'public.orders_2027_03'::regclass AND NOT indisprimary), 'new partition has the customer index';
    ASSERT partc.create_partitions('public', 'orders', '2027-02-10') = 0, 'second run creates nothing';
END $$;

-- new rows keep flowing to the right place after the move
INSERT INTO public.orders (customer, placed_at) VALUES ('march-3', '2027-03-01 00:00+00');
DO $$ BEGIN
    ASSERT (SELECT count(*) FROM ONLY public.orders_2027_03) = 3, 'new March row in orders_2027_03';
END $$;
DELETE FROM public.orders;
DROP TABLE want;
