GRANT {{privileges}} ON {{rel}} TO {{role}};
