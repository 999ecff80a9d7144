-- How far a TWAP status has come, the one rule the loader's merge orders rows by (see
-- docs/design.md, Data semantics): a terminal status (finished, terminated, stopped, error...)
-- ranks 2, waitingForTrigger (not yet started) 0, activated and anything else (NULL too) 1.
-- $1 status. A plain SQL expression, so the planner inlines it.

CREATE OR REPLACE FUNCTION hltwap_status_rank(status text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN status IN ('finished', 'terminated', 'stopped') OR status LIKE 'error%' THEN 2
    WHEN status = 'waitingForTrigger' THEN 0
    ELSE 1
END;
