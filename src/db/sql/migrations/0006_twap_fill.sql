-- The slice fills of TWAPs: one row per fill per user side, from the node's hourly fill files
-- (only rows whose TWAP id is non-null and non-zero). Amounts are NUMERIC, exact as the file gave
-- them; twap_id is decimal text like twap_status.twap_id, so the two join without casts.
-- The key is (twap_id, wallet, tid): re-ingesting a fill changes nothing, and the two sides of
-- one trade (same tid, two wallets, two TWAPs) are both kept. wallet is in every key so the
-- table can be distributed by wallet (docs/design.md, Scale-out).

CREATE TABLE IF NOT EXISTS twap_fill (
    twap_id         TEXT NOT NULL,
    wallet          TEXT NOT NULL,
    tid             NUMERIC(20, 0) NOT NULL,
    time            TIMESTAMPTZ NOT NULL,
    coin            TEXT NOT NULL,
    side            TEXT NOT NULL,
    px              NUMERIC NOT NULL,
    sz              NUMERIC NOT NULL,
    fee             NUMERIC,
    fee_token       TEXT,
    closed_pnl      NUMERIC,
    start_position  NUMERIC,
    dir             TEXT,
    crossed         BOOLEAN,
    oid             NUMERIC(20, 0),
    hash            TEXT,
    builder_fee     NUMERIC,
    s3_object_key   TEXT NOT NULL,
    raw_payload     JSONB,
    inserted_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (twap_id, wallet, tid)
);

-- The fills of one TWAP in time order (the fills endpoint and fills_summary).
CREATE INDEX IF NOT EXISTS twap_fill_twap_time_idx ON twap_fill (twap_id, time, tid);
-- The fills of one wallet in a time range (exports, summaries).
CREATE INDEX IF NOT EXISTS twap_fill_wallet_time_idx ON twap_fill (wallet, time, tid);
