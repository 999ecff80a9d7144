-- The staged fills that share (twap_id, wallet, tid) with another staged fill: the merge keeps
-- the later row of each such group (merge_fill_staging.sql), so the others collapse into it.

SELECT coalesce(sum(n - 1), 0)
FROM (SELECT count(*) AS n FROM fill_staging GROUP BY twap_id, wallet, tid HAVING count(*) > 1) AS g
