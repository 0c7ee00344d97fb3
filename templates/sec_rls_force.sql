--! placeholders: rel
ALTER TABLE {{rel}} FORCE ROW LEVEL SECURITY;
