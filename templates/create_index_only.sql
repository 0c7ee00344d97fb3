--! The parent's index alone (the catalog only): invalid until every partition has its part.
CREATE {{unique}}INDEX {{if_not_exists}}{{index}}
    ON ONLY {{table}} USING {{method}} ({{columns}}){{include}}{{where}};
