-- The live table must match the spec before anything changes: every
-- mismatch is listed, and nothing is created when one is found.
SELECT {{rt}}.preflight({{spec_json}});
