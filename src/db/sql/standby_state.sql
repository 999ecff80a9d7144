-- Whether the server is a standby, and by how many seconds its replay trails its primary: 0
-- when it streams and has replayed all it received, otherwise the age of the last transaction
-- it replayed (growing while it is cut off or paused), NULL when it has replayed none.
-- pg_stat_wal_receiver shows its pid to every role, so the check needs no privileges.
SELECT pg_is_in_recovery(),
       CASE
         WHEN NOT pg_is_in_recovery() THEN 0
         WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver)
              AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
         ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8
       END
