--! One key of the shadow, built by the backfill when it is not there yet (inside conv_backfill).
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k
                       WHERE k.conrelid = {{shadow_lit}}::regclass
                         AND k.conname = {{constraint_lit}}) THEN
            ALTER TABLE {{shadow}}
                ADD CONSTRAINT {{constraint}} {{key_type}} ({{key_columns}});
        END IF;
