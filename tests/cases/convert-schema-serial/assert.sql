\set ON_ERROR_STOP 1
DO $$
DECLARE v_max bigint; v_id bigint;
BEGIN
    ASSERT (SELECT relkind FROM pg_class WHERE oid = 'billing.invoice_lines'::regclass) = 'p', 'partitioned';
    ASSERT (SELECT count(*) FROM billing.invoice_lines_default) > 0, 'rows before start are in the default partition';
    ASSERT (SELECT count(*) FROM billing.invoice_lines) = 6000, 'every row copied';
    -- the serial sequence now belongs to the new table and keeps counting
    ASSERT pg_get_serial_sequence('billing.invoice_lines', 'id') = 'billing.invoice_lines_id_seq', 'sequence owned by the new table';
    SELECT max(id) INTO v_max FROM billing.invoice_lines;
    INSERT INTO billing.invoice_lines (invoice_no, line_no, amount, billed_at)
    VALUES ('INV-X', 1, 10, '2026-11-22') RETURNING id INTO v_id;
    ASSERT v_id > v_max, 'new id above the others';
    ASSERT EXISTS (SELECT 1 FROM billing.invoice_lines_old WHERE id = v_id), 'mirrored to the old table';
    -- the unique key is extended with the partition key, under its own name
    ASSERT (SELECT conrelid FROM pg_constraint WHERE conname = 'invoice_lines_invoice_no_line_no_key')
           = 'billing.invoice_lines'::regclass, 'unique key name';
    ASSERT (SELECT conrelid FROM pg_constraint WHERE conname = 'invoice_lines_invoice_no_line_no_key_old')
           = 'billing.invoice_lines_old'::regclass, 'old unique key renamed';
    ASSERT has_table_privilege('api_user', 'billing.invoice_lines_2026q4', 'INSERT'), 'partition grant';
    DELETE FROM billing.invoice_lines WHERE id = v_id;
END $$;
