-- wrk script: rotates through the request paths of a file (one per line), each thread starting
-- at a different place, and prints the figures as one JSON line when the run ends.
--
--   wrk -t2 -c64 -d20s -s bench/wrk_urls.lua http://127.0.0.1:8000 -- urls.txt
local paths = {}
local next_index = 1
local thread_count = 0

function setup(thread)
  thread:set("thread_number", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot read " .. tostring(args[1]))
  for line in file:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  file:close()
  assert(#paths > 0, "no request paths in " .. args[1])
  next_index = ((thread_number or 0) * 7) % #paths + 1
end

function request()
  local path = paths[next_index]
  next_index = next_index % #paths + 1
  return wrk.format("GET", path)
end

-- wrk "corrects" its latency histogram for coordinated omission before done() runs: for every
-- latency of at least twice the mean interval between requests of a connection it adds samples at
-- that latency minus 1, 2, ... intervals (stats_correct in wrk's stats.c). With a mix of heavy and
-- light requests on a closed loop that inflates every percentile and makes the samples outnumber
-- the requests, and pgbench records no such samples. So the recorded latencies are recovered
-- first (WRK_CONNECTIONS must give -c), and the figures are computed from them.
local function recorded_latencies(summary, latency)
  local corrected, values = {}, {}
  for k = 1, #latency do
    local v, c = latency(k)
    corrected[v] = c
    values[#values + 1] = v
  end
  local connections = tonumber(os.getenv("WRK_CONNECTIONS") or "")
  local per_connection = connections and math.floor(summary.requests / connections) or 0
  local interval = per_connection > 0 and math.floor(summary.duration / per_connection) or 0
  local added, recorded = {}, {}
  for k = #values, 1, -1 do
    local v = values[k]
    local n = corrected[v]
    if interval > 0 and v > interval then n = n - (added[v] or 0) end
    if n > 0 then
      recorded[#recorded + 1] = {v, n}
      if interval > 0 and v >= 2 * interval then
        local m = v - interval
        while m > interval do
          added[m] = (added[m] or 0) + n
          m = m - interval
        end
      end
    end
  end
  table.sort(recorded, function(a, b) return a[1] < b[1] end)
  return recorded
end

local function percentile(recorded, total, p)
  local rank = math.floor(p / 100 * total + 0.5 + 0.5)
  local seen = 0
  for _, e in ipairs(recorded) do
    seen = seen + e[2]
    if seen >= rank then return e[1] end
  end
  return recorded[#recorded] and recorded[#recorded][1] or 0
end

function done(summary, latency, requests)
  local recorded = recorded_latencies(summary, latency)
  local total, sum = 0, 0
  for _, e in ipairs(recorded) do
    total = total + e[2]
    sum = sum + e[1] * e[2]
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "rps": %.2f, "samples": %d, ' ..
    '"p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "mean_ms": %.3f, ' ..
    '"wrk_corrected_p50_ms": %.3f, "wrk_corrected_p99_ms": %.3f, ' ..
    '"errors_connect": %d, "errors_read": %d, "errors_write": %d, "errors_status": %d, ' ..
    '"errors_timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.requests / (summary.duration / 1e6), total,
    percentile(recorded, total, 50) / 1000, percentile(recorded, total, 90) / 1000,
    percentile(recorded, total, 99) / 1000, latency.max / 1000,
    total > 0 and sum / total / 1000 or 0,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
