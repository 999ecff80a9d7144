-- The TWAP's creation time (state_timestamp); ts holds the status event time.

ALTER TABLE twap_status ADD COLUMN IF NOT EXISTS created_at TIMESTAMPTZ;
