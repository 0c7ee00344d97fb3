--! placeholders: unique, index, table, method, columns, include, where
CREATE {{unique}}INDEX {{index}} ON {{table}} USING {{method}} ({{columns}}){{include}}{{where}};
