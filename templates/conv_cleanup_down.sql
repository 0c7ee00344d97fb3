DO ${{tag}}$
BEGIN
    RAISE EXCEPTION 'partc: the cleanup of % cannot be rolled back: it dropped % and its rows',
        {{table_lit}}, {{old_lit}}
        USING HINT = 'the partitioned table holds every row; restore the old table from a backup if you need it';
END
${{tag}}$;
