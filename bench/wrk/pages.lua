-- wrk script for GET /api/pages?ids=… with 20 random page IDs per request,
-- as the widget sends on list pages. The IDs file has one URL-escaped page
-- ID per line (bench/api.sh writes it with `load --dump-ids`). wrk itself
-- counts "Non-2xx or 3xx responses".
--
--   wrk -t2 -c64 -d10s --latency -s bench/wrk/pages.lua http://127.0.0.1:8080 -- ids.txt [20]
--
-- Requests are built once in init: building them in request() costs more
-- Lua time per request than the server spends answering.

local requests = {}
local n = 0

function init(args)
  local path = args[1] or "ids.txt"
  local per = tonumber(args[2] or "20")
  local ids = {}
  for line in io.lines(path) do
    if line ~= "" then ids[#ids + 1] = line end
  end
  if #ids == 0 then error("no page IDs in " .. path) end
  -- Each thread gets its own sequence.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  for i = 1, 2000 do
    local pick = {}
    for j = 1, per do pick[j] = ids[math.random(#ids)] end
    requests[i] = wrk.format("GET", "/api/pages?ids=" .. table.concat(pick, ","))
  end
end

function request()
  n = n % #requests + 1
  return requests[n]
end
