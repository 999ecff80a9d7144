-- Writes the ingest log row of one object. ingested_at is when the log row is written (not when
-- the object's transaction began, before its download): a --reprocess run compares it with its
-- own start to leave alone objects that a concurrent run loaded after it started.
-- $1 s3_object_key, $2 last_modified, $3 rows_ingested or NULL, $4 error_text or NULL.

INSERT INTO etl_s3_ingest_log AS l
    (s3_object_key, last_modified, rows_ingested, error_text, ingested_at)
VALUES ($1, $2::timestamptz, $3::integer, $4, clock_timestamp())
ON CONFLICT (s3_object_key) DO UPDATE SET
    last_modified = EXCLUDED.last_modified,
    rows_ingested = EXCLUDED.rows_ingested,
    error_text = EXCLUDED.error_text,
    ingested_at = EXCLUDED.ingested_at
