-- POST /v1/recommendations with a history of 10 random titles, k=20.
-- Bodies are prebuilt (1000 per thread) so wrk spends its CPU sending.
package.path = "bench/?.lua;" .. package.path
local common = require("serve_common")
local titles = tonumber(os.getenv("TITLES") or "20000")
setup = common.setup
done = common.done
local pool = {}
local next_index = 1
function init(args)
  common.seed()
  local headers = {["Content-Type"] = "application/json"}
  for i = 1, 1000 do
    local ids = {}
    for j = 1, 10 do ids[j] = '"' .. common.title(titles) .. '"' end
    local body = '{"history":[' .. table.concat(ids, ",") .. '],"k":20}'
    pool[i] = wrk.format("POST", "/v1/recommendations", headers, body)
  end
end
function request()
  local r = pool[next_index]
  next_index = next_index % #pool + 1
  return r
end
