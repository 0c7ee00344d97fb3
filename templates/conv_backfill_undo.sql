--! placeholders: fn_reset
SELECT {{fn_reset}}();
