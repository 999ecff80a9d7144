-- Every object of the ingest log, for the coverage report (src/api/coverage.h, which reads the
-- data hours from the keys and computes the gaps): the key, the error text of a failed one and
-- ingested_at as integer microseconds. No order: the report does not depend on one.

SELECT s3_object_key, error_text, (EXTRACT(EPOCH FROM ingested_at) * 1000000)::int8
FROM etl_s3_ingest_log
