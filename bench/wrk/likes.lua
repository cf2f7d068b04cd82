-- wrk script for durable likes: PUT and DELETE /api/likes?page= by many
-- accounts (Bearer tokens), where every request changes the store: each
-- wrk thread owns the (user, page) pairs of its own users, walks them in a
-- shuffled order and likes them on the first pass, unlikes them on the
-- second, likes again on the third... A pair comes back only after all the
-- thread's others (thousands of requests later), long after its previous
-- request was answered. Start from a store where those users have liked
-- none of the pages (bench/scale.sh gives each run its own pages).
--
--   wrk -t2 -c64 -d10s --latency -s bench/wrk/likes.lua URL -- tokens.txt ids.txt FIRST COUNT THREADS
--
-- tokens.txt: one Bearer token a line (bench/load --dump-tokens); ids.txt:
-- one URL-escaped page ID a line (bench/load --dump-ids); the pages used
-- are lines FIRST .. FIRST+COUNT-1; THREADS must equal wrk's -t.

local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local puts, dels = {}, {}
local n = 0

local function lines(path)
  local t = {}
  for line in io.lines(path) do
    if line ~= "" then t[#t + 1] = line end
  end
  return t
end

function init(args)
  local tokens, ids = lines(args[1]), lines(args[2])
  local first, count, threads = tonumber(args[3]), tonumber(args[4]), tonumber(args[5])
  if first + count - 1 > #ids then error("pages " .. first .. ".." .. (first + count - 1) .. " of " .. #ids) end
  local todo = {}
  for u = 1, #tokens do
    if (u - 1) % threads == id then
      for p = first, first + count - 1 do todo[#todo + 1] = { u, p } end
    end
  end
  if #todo == 0 then error("thread " .. id .. " has no users: more threads than tokens?") end
  math.randomseed(1000 + id)
  for i = #todo, 2, -1 do
    local j = math.random(i)
    todo[i], todo[j] = todo[j], todo[i]
  end
  -- Built once: formatting a request costs Lua time the server would
  -- otherwise get.
  for i, pair in ipairs(todo) do
    local path = "/api/likes?page=" .. ids[pair[2]]
    local headers = { ["Authorization"] = "Bearer " .. tokens[pair[1]] }
    puts[i] = wrk.format("PUT", path, headers)
    dels[i] = wrk.format("DELETE", path, headers)
  end
end

function request()
  local pass = math.floor(n / #puts)
  n = n + 1
  local i = (n - 1) % #puts + 1
  if pass % 2 == 0 then return puts[i] end
  return dels[i]
end
