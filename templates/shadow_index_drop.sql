--! One index of the shadow, dropped by the backfill's undo (inside conv_backfill).
        DROP INDEX IF EXISTS {{index}};
