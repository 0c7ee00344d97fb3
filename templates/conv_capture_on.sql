SELECT {{fn_mode}}('capture');
