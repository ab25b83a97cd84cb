-- GET /v1/titles/{id}/similar?k=20 for random titles. Env: TITLES (default 20000).
package.path = "bench/?.lua;" .. package.path
local common = require("serve_common")
local titles = tonumber(os.getenv("TITLES") or "20000")
setup = common.setup
done = common.done
function init(args) common.seed() end
function request()
  return wrk.format("GET", "/v1/titles/" .. common.title(titles) .. "/similar?k=20")
end
