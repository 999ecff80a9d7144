-- The fill totals' insert trigger adds its statement's totals straight from the transition
-- table, as the spans' trigger does since 0010: 0009 passed them to a function as one array,
-- which PostgreSQL bounds at 1 GB, so one statement adding fills of millions of TWAPs (a COPY of
-- a whole history) would fail. Same totals, same rule, same key order.
CREATE OR REPLACE FUNCTION hltwap_twap_fill_total_after_insert() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  INSERT INTO twap_fill_total AS t (twap_id, wallet, fills, size, notional, closed_pnl,
                                    first_time, last_time, untokened_fills, fees)
  SELECT g.twap_id, g.wallet, sum(g.fills)::int8, sum(g.size), sum(g.notional),
         sum(g.closed_pnl), min(g.first_time), max(g.last_time),
         COALESCE(sum(g.fills) FILTER (WHERE g.fee_token IS NULL), 0)::int8,
         COALESCE(jsonb_object_agg(g.fee_token,
                                   jsonb_build_object('sum', g.fee, 'missing', g.missing))
                    FILTER (WHERE g.fee_token IS NOT NULL), '{}')
  FROM (SELECT twap_id, wallet, fee_token, count(*) AS fills, sum(sz) AS size,
               sum(px * sz) AS notional, sum(closed_pnl) AS closed_pnl,
               min(time) AS first_time, max(time) AS last_time, sum(fee) AS fee,
               count(*) - count(fee) AS missing
        FROM new_rows
        GROUP BY twap_id, wallet, fee_token) g
  GROUP BY g.twap_id, g.wallet
  ORDER BY g.twap_id, g.wallet
  ON CONFLICT (twap_id, wallet) DO UPDATE SET
      fills = t.fills + EXCLUDED.fills,
      size = t.size + EXCLUDED.size,
      notional = t.notional + EXCLUDED.notional,
      closed_pnl = COALESCE(t.closed_pnl + EXCLUDED.closed_pnl, t.closed_pnl, EXCLUDED.closed_pnl),
      first_time = LEAST(t.first_time, EXCLUDED.first_time),
      last_time = GREATEST(t.last_time, EXCLUDED.last_time),
      untokened_fills = t.untokened_fills + EXCLUDED.untokened_fills,
      fees = hltwap_fill_fees_add(t.fees, EXCLUDED.fees);
  RETURN NULL;
END;
$$;
DROP FUNCTION hltwap_twap_fill_total_add(twap_fill_total[]);
