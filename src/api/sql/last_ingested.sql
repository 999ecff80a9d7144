-- The most recently ingested object (successful ones only) for /healthz: its key, last_modified
-- and ingested_at as integer microseconds since the epoch, and rows_ingested.

SELECT s3_object_key,
       (EXTRACT(EPOCH FROM last_modified) * 1000000)::int8,
       (EXTRACT(EPOCH FROM ingested_at) * 1000000)::int8,
       rows_ingested
FROM etl_s3_ingest_log
WHERE error_text IS NULL
ORDER BY ingested_at DESC NULLS LAST, s3_object_key DESC
LIMIT 1
