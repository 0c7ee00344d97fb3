DROP VIEW {{view_health}};
DROP FUNCTION {{fn_health}}(timestamptz);
