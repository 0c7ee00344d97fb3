UPDATE {{rt}}.tables SET live_name = {{live_lit}}, phase = {{phase_lit}}
 WHERE schema_name = {{schema_lit}} AND table_name = {{table_name_lit}};
