-- The table and the tables that reference it, locked at once, each attempt
-- waiting less than deadlock_timeout: a writer that holds one and waits for
-- another makes the attempt give way instead of deadlocking.
SELECT {{rt}}.lock_at_once({{table_lit}}::regclass, {{locks}});
