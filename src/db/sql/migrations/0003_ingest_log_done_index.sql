-- /healthz asks for the most recently ingested object; a deployment logs ~9,000 objects a year.

CREATE INDEX IF NOT EXISTS etl_s3_ingest_log_done_idx
    ON etl_s3_ingest_log (ingested_at DESC NULLS LAST, s3_object_key DESC)
    WHERE error_text IS NULL;
