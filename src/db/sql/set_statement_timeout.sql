-- The server's own bound on every statement of this session. $1 milliseconds (text).
SELECT set_config('statement_timeout', $1, false)
