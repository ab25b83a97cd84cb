-- GET /v1/members/{id}/recommendations?k=20 for random known members.
-- Env: MEMBERS (default 1000000), RECS_QUERY (appended, e.g. "&artwork=false").
package.path = "bench/?.lua;" .. package.path
local common = require("serve_common")
local members = tonumber(os.getenv("MEMBERS") or "1000000")
local extra = os.getenv("RECS_QUERY") or ""
setup = common.setup
done = common.done
function init(args) common.seed() end
function request()
  return wrk.format("GET", "/v1/members/" .. common.member(members) .. "/recommendations?k=20" .. extra)
end
