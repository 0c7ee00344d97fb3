--! placeholders: rel, privileges, role
GRANT {{privileges}} ON {{rel}} TO {{role}};
