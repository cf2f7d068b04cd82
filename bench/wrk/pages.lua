-- wrk script for GET /api/pages?ids=… with 20 random page IDs per request,
-- as the widget sends on list pages. The IDs file has one URL-escaped page
-- ID per line (bench/api.sh writes it from the manifest). wrk itself counts
-- "Non-2xx or 3xx responses".
--
--   wrk -t2 -c64 -d10s --latency -s bench/wrk/pages.lua http://127.0.0.1:8080 -- ids.txt [20]

local ids = {}
local per = 20

function init(args)
  local path = args[1] or "ids.txt"
  per = tonumber(args[2] or "20")
  for line in io.lines(path) do
    if line ~= "" then ids[#ids + 1] = line end
  end
  if #ids == 0 then error("no page IDs in " .. path) end
  -- Different threads must not replay the same sequence.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  local pick = {}
  for i = 1, per do pick[i] = ids[math.random(#ids)] end
  return wrk.format("GET", "/api/pages?ids=" .. table.concat(pick, ","))
end
