SELECT {{fn_reset}}();
