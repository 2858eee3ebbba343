-- wrk script of bench/bench_web.py: send the requests it wrote, in turn, and write the figures.
--
-- BENCH_REQUESTS names a Lua file that sets `bench_requests`, a list of
-- {method=..., path=..., headers={...}, body=...}; each connection's next request is the next
-- of that list (team mode: one per signed-up user, with its cookie and CSRF token).
-- BENCH_RESULT names the file done() writes: one "name value" line per figure, latencies in
-- microseconds.

local prepared = {}
local turn = 0

function init(args)
  dofile(os.getenv("BENCH_REQUESTS"))
  for i, r in ipairs(bench_requests) do
    prepared[i] = wrk.format(r.method, r.path, r.headers, r.body)
  end
end

function request()
  turn = turn % #prepared + 1
  return prepared[turn]
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("BENCH_RESULT"), "w"))
  local errors = summary.errors
  local lines = {
    {"requests", summary.requests},
    {"duration_us", summary.duration},
    {"errors_connect", errors.connect},
    {"errors_read", errors.read},
    {"errors_write", errors.write},
    {"errors_status", errors.status},
    {"errors_timeout", errors.timeout},
    {"p50_us", latency:percentile(50)},
    {"p90_us", latency:percentile(90)},
    {"p99_us", latency:percentile(99)},
    {"max_us", latency.max},
    {"mean_us", latency.mean},
  }
  for _, line in ipairs(lines) do
    out:write(line[1], " ", string.format("%.17g", line[2]), "\n")
  end
  out:close()
end
