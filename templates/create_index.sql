CREATE {{unique}}INDEX {{if_not_exists}}{{index}} ON {{table}} USING {{method}} ({{columns}}){{include}}{{where}};
