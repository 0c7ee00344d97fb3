--! statements: sec_rls_*, sec_policy and sec_grant expanded for the table.
{{statements}}