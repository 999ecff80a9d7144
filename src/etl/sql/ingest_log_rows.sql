-- Ingest log rows: the one of an object, or every row. Timestamps leave the database as integer
-- microseconds since the epoch (EXTRACT returns exact numeric). $1 s3_object_key, or NULL for
-- every row (the unnamed statement is planned with its value: a key reads the primary key).

SELECT s3_object_key,
       (EXTRACT(EPOCH FROM last_modified) * 1000000)::bigint,
       rows_ingested,
       error_text,
       (EXTRACT(EPOCH FROM ingested_at) * 1000000)::bigint
FROM etl_s3_ingest_log
WHERE $1::text IS NULL OR s3_object_key = $1::text
