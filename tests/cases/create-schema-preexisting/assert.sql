\set ON_ERROR_STOP 1
DO $$ BEGIN
    ASSERT to_regclass('audit.audit_events') IS NOT NULL, 'table created in the existing schema';
END $$;
