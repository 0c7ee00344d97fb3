--! placeholders: statements (sec_rls, sec_policy and sec_grant expanded for the table)
{{statements}}
