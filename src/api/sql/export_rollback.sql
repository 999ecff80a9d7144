-- Ends an export that stopped early (client gone, error), so the connection goes back to the pool.
ROLLBACK
