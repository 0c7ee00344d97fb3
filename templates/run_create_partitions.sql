--! placeholders: fn_create
SELECT {{fn_create}}();
