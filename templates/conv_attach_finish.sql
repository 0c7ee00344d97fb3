DROP TABLE {{state}};
