-- The staged status rows that share (twap_id, wallet, ts) with another staged row: the merge
-- keeps the most advanced of each such group (merge_staging.sql), so the others collapse into
-- it. Two events of a TWAP less than a microsecond apart do: ts keeps microseconds.

SELECT coalesce(sum(n - 1), 0)
FROM (SELECT count(*) AS n FROM twap_staging GROUP BY twap_id, wallet, ts HAVING count(*) > 1) AS g
