-- Takes the per-object lock for the session, if free: a concurrent process holding it is
-- loading the object right now. A session lock (not a transaction's) covers the download,
-- which runs with no transaction open; unlock_object.sql ends it, and so does the end of the
-- session. $1 s3_object_key.

SELECT pg_try_advisory_lock(hashtextextended($1, 0))
