--! clauses: USING / WITH CHECK, each with its leading space.
CREATE POLICY {{policy}} ON {{rel}} AS PERMISSIVE FOR {{command}} TO {{roles}}{{clauses}};
