--! One key of the shadow, dropped by the backfill's undo (inside conv_backfill).
        ALTER TABLE {{shadow}} DROP CONSTRAINT IF EXISTS {{constraint}};
