-- GET /healthz: the cheapest route, to see what the server itself costs.
package.path = "bench/?.lua;" .. package.path
local common = require("serve_common")
setup = common.setup
done = common.done
function request() return wrk.format("GET", "/healthz") end
