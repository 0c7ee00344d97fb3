--! placeholders: rel
ALTER TABLE {{rel}} ENABLE ROW LEVEL SECURITY;
