-- GET /v1/members/{id}/homepage for random known members: 10 rows x 20
-- titles, artwork on the first 4 titles of each row (40 impressions logged
-- per page). Env: MEMBERS (default 1000000), HOMEPAGE_QUERY (appended, e.g.
-- "&artwork=false").
package.path = "bench/?.lua;" .. package.path
local common = require("serve_common")
local members = tonumber(os.getenv("MEMBERS") or "1000000")
local extra = os.getenv("HOMEPAGE_QUERY") or ""
setup = common.setup
done = common.done
function init(args) common.seed() end
function request()
  return wrk.format("GET", "/v1/members/" .. common.member(members) ..
                    "/homepage?rows=10&per_row=20&artwork_columns=4" .. extra)
end
