DROP POLICY IF EXISTS {{policy}} ON {{rel}};
