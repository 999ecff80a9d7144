-- Ends an export's read-only transaction, closing its cursor.
COMMIT
