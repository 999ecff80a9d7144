-- Takes the per-object lock for the rest of the transaction, if free: a concurrent process
-- holding it is loading the object right now. $1 s3_object_key.

SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))
