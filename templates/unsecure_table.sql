--! statements: the security of the spec before the change, taken off the table (DROP POLICY, REVOKE,
--! row-level security disabled); the new one is applied after it.
{{statements}}