SELECT {{fn_create}}();
