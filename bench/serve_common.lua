-- Shared by the serve_load.sh wrk scripts: seeding and a machine-readable
-- summary line (wrk 4.1 --latency prints no p99.9).
local common = {}
local thread_counter = 0

function common.setup(thread)
  thread_counter = thread_counter + 1
  thread:set("thread_id", thread_counter)
end

function common.seed()
  math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
end

-- Members m0000000.. and titles t000000.. as `marquee generate` names them.
function common.member(n) return string.format("m%07d", math.random(0, n - 1)) end
function common.title(n) return string.format("t%06d", math.random(0, n - 1)) end

function common.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "MARQUEE_STATS requests=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency:percentile(99.9), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end

return common
