CALL {{proc_backfill}}();
