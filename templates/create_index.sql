--! include and where each start with a space; a partial index's WHERE goes on a line of its own.
CREATE {{unique}}INDEX {{if_not_exists}}{{index}}
    ON {{table}} USING {{method}} ({{columns}}){{include}}{{where}};
