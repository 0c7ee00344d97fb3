--! Writers go on while it is built; outside a transaction block, alone in its file.
CREATE {{unique}}INDEX CONCURRENTLY {{if_not_exists}}{{index}}
    ON {{table}} USING {{method}} ({{columns}}){{include}}{{where}};
