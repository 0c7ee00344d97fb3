DROP TRIGGER partc_rewire_move ON {{shadow}};
DROP FUNCTION {{fn_key_move}}();
