--! placeholders: fn_mode
SELECT {{fn_mode}}('capture');
