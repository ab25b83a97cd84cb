-- POST /v1/events with batches of N play events (wrk ... -- N; default 1)
-- for random known members and titles. Bodies are prebuilt, 500 per thread.
package.path = "bench/?.lua;" .. package.path
local common = require("serve_common")
local members = tonumber(os.getenv("MEMBERS") or "1000000")
local titles = tonumber(os.getenv("TITLES") or "20000")
setup = common.setup
done = common.done
local pool = {}
local next_index = 1
function init(args)
  common.seed()
  local batch = tonumber(args[1] or "1")
  local headers = {["Content-Type"] = "application/json"}
  for i = 1, 500 do
    local events = {}
    for j = 1, batch do
      events[j] = string.format('{"kind":"play","member":"%s","title":"%s","watch_fraction":%.2f}',
                                common.member(members), common.title(titles), math.random(1, 100) / 100)
    end
    local body = '{"events":[' .. table.concat(events, ",") .. ']}'
    pool[i] = wrk.format("POST", "/v1/events", headers, body)
  end
end
function request()
  local r = pool[next_index]
  next_index = next_index % #pool + 1
  return r
end
