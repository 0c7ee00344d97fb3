-- Three tables from two files: tenants <- shipments <- parcels.  The files
-- are applied in name order (0001 tenants, 0002 shipments, 0003 parcels),
-- which only works when referenced tables come first.
\set ON_ERROR_STOP 1

DO $$ BEGIN
    ASSERT (SELECT confrelid FROM pg_constraint WHERE conname = 'shipments_tenant_id_fkey' AND conrelid = 'public.shipments'::regclass) = 'public.tenants'::regclass, 'shipments -> tenants';
    ASSERT (SELECT confrelid FROM pg_constraint WHERE conname = 'parcels_shipment_id_shipment_created_at_fkey' AND conrelid = 'public.parcels'::regclass) = 'public.shipments'::regclass, 'parcels -> shipments';
    ASSERT (SELECT confdeltype FROM pg_constraint WHERE conname = 'parcels_shipment_id_shipment_created_at_fkey' AND conrelid = 'public.parcels'::regclass) = 'c', 'on delete cascade';
END $$;

-- the keys hold, also in partitions the functions create later
DO $$
BEGIN
    PERFORM partc.create_partitions('public', 'shipments', '2027-05-10');
    PERFORM partc.create_partitions('public', 'parcels', '2027-05-10');
    ASSERT to_regclass('public.shipments_2027_07') IS NOT NULL AND to_regclass('public.parcels_2027_07') IS NOT NULL, 'partitions through 2027-07';
END $$;
INSERT INTO public.tenants VALUES (1, 't1');
INSERT INTO public.shipments (id, tenant_id, created_at) OVERRIDING SYSTEM VALUE VALUES (10, 1, '2026-11-20+00'), (11, 1, '2027-06-15+00');
INSERT INTO public.parcels (shipment_id, shipment_created_at, created_at) VALUES
    (10, '2026-11-20+00', '2026-11-21+00'),
    (11, '2027-06-15+00', '2027-07-01+00');
DO $$
BEGIN
    BEGIN
        INSERT INTO public.shipments (tenant_id, created_at) VALUES (2, '2027-06-01+00');
        RAISE EXCEPTION 'shipment of an unknown tenant accepted';
    EXCEPTION WHEN foreign_key_violation THEN NULL;
    END;
    BEGIN
        INSERT INTO public.parcels (shipment_id, shipment_created_at, created_at) VALUES (11, '2027-06-16+00', '2027-07-02+00');
        RAISE EXCEPTION 'parcel of an unknown shipment accepted';
    EXCEPTION WHEN foreign_key_violation THEN NULL;
    END;
    BEGIN
        DELETE FROM public.tenants WHERE id = 1;
        RAISE EXCEPTION 'referenced tenant deleted';
    EXCEPTION WHEN foreign_key_violation THEN NULL;
    END;
    DELETE FROM public.shipments WHERE id = 11;
    ASSERT (SELECT count(*) FROM public.parcels) = 1, 'parcels of a deleted shipment are deleted';
    ASSERT (SELECT count(*) FROM ONLY public.parcels_2027_07) = 0, 'cascade into a partition made by the function';
END $$;
DELETE FROM public.parcels;
DELETE FROM public.shipments;
DELETE FROM public.tenants;
