-- The spec's tables and indexes, verbatim but for IF NOT EXISTS: a database created from the
-- spec's DDL before this program existed is adopted as it is.

CREATE TABLE IF NOT EXISTS twap_status (
    twap_id            TEXT NOT NULL,
    wallet             TEXT NOT NULL,
    ts                 TIMESTAMPTZ NOT NULL,
    asset              TEXT,
    side               TEXT,
    size_requested     NUMERIC,
    size_executed      NUMERIC,
    notional_executed  NUMERIC,
    status             TEXT,
    duration_minutes   INTEGER,
    s3_object_key      TEXT NOT NULL,
    raw_payload        JSONB,
    inserted_at        TIMESTAMPTZ DEFAULT now(),
    PRIMARY KEY (twap_id, wallet, ts)
);

CREATE TABLE IF NOT EXISTS etl_s3_ingest_log (
    s3_object_key  TEXT PRIMARY KEY,
    last_modified  TIMESTAMPTZ NOT NULL,
    rows_ingested  INTEGER,
    error_text     TEXT,
    ingested_at    TIMESTAMPTZ DEFAULT now()
);

CREATE INDEX IF NOT EXISTS twap_status_wallet_ts_idx ON twap_status (wallet, ts);
CREATE INDEX IF NOT EXISTS twap_status_twap_id_idx ON twap_status (twap_id);
