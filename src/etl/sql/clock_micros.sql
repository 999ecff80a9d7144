-- The database's clock now, as integer microseconds since the epoch.

SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::bigint
