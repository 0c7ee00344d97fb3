--! clauses: USING / WITH CHECK, each on a line of its own.
CREATE POLICY {{policy}} ON {{rel}}
    AS PERMISSIVE FOR {{command}} TO {{roles}}{{clauses}};
