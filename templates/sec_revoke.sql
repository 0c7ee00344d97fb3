REVOKE {{privileges}} ON {{rel}} FROM {{role}};
