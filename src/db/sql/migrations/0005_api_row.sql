-- A twap_status row as the API returns it: the one list of the API's row columns, in the order
-- of api::RowColumn (src/api/queries.h). $1 the row. Timestamps become integer microseconds
-- since the epoch (exact: EXTRACT returns numeric), decimals stay NUMERIC text digit for digit,
-- raw_payload is jsonb text. The queries call it as LATERAL hltwap_api_row(r): a SQL-bodied,
-- non-strict, stable set-returning function is inlined, so the plans are those of the columns
-- written out.

CREATE OR REPLACE FUNCTION hltwap_api_row(r twap_status)
RETURNS TABLE (twap_id text, wallet text, ts_micros bigint, status text, asset text, side text,
               size_requested numeric, size_executed numeric, notional_executed numeric,
               duration_minutes integer, created_at_micros bigint, raw_payload text)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT r.twap_id, r.wallet, (EXTRACT(EPOCH FROM r.ts) * 1000000)::int8, r.status, r.asset,
           r.side, r.size_requested, r.size_executed, r.notional_executed, r.duration_minutes,
           (EXTRACT(EPOCH FROM r.created_at) * 1000000)::int8, r.raw_payload::text;
END;
