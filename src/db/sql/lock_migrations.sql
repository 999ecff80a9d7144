-- Serialises `db init` runs for the rest of the transaction. Any constant will do as long as
-- every hltwap process uses the same one.

SELECT pg_advisory_xact_lock(7263351011)
