DO ${{tag}}$
BEGIN
    IF pg_catalog.to_regclass({{state_lit}}) IS NOT NULL
       AND (SELECT s.phase FROM {{state}} s) = 'swapped' THEN
        RAISE EXCEPTION 'partc: % has been swapped; roll the swap back first', {{table_lit}};
    END IF;
END
${{tag}}$;
