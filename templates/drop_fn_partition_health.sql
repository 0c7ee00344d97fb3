--! placeholders: fn_health, view_health
DROP VIEW {{view_health}};
DROP FUNCTION {{fn_health}}(timestamptz);
