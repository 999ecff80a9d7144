-- Releases the per-object lock try_lock_object.sql took. $1 s3_object_key.

SELECT pg_advisory_unlock(hashtextextended($1, 0))
