--! placeholders: proc_backfill
CALL {{proc_backfill}}();
