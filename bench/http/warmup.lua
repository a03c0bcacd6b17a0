-- Warm-up: every code path the scenarios take, interleaved, on its own topic (run.sh deletes it afterwards) —
-- single push, bulk push of 100, claim, commit back to pending, livez — so the JIT has tiered up all of them.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local claimed = {}
local n, turn = 0, 0
local headers = { ["Content-Type"] = "application/json" }
local payload = '"payload":{"url":"https://example.com/page","depth":3}'

request = function()
  local task = table.remove(claimed)
  if task then
    return wrk.format("PATCH", "/v1/topics//tasks/" .. task[1], headers,
      '{"nonce":"' .. task[2] .. '","state":' .. (turn % 2 == 0 and '0,"defer":"0s"}' or '2}'))
  end
  turn = turn + 1
  local k = turn % 16
  if k == 0 then
    local parts = {}
    for i = 1, 100 do
      n = n + 1
      parts[i] = '{"_id":"' .. prefix .. n .. '",' .. payload .. '}'
    end
    return wrk.format("POST", "/v1/topics/warmup/tasks", headers, '{"data":[' .. table.concat(parts, ",") .. ']}')
  elseif k % 4 == 1 then
    return wrk.format("GET", "/v1/livez")
  elseif k % 2 == 0 then
    n = n + 1
    return wrk.format("POST", "/v1/topics/warmup/tasks/" .. prefix .. n, headers, '{' .. payload .. '}')
  end
  return wrk.format("POST", "/v1/topics/warmup/promises", headers, '{"timeout":"10m"}')
end

response = function(status, headers, body)
  if status == 200 and body:match('"state":1') then
    local id, nonce = body:match('"_id":"([^"]+)"'), body:match('"nonce":"([^"]+)"')
    if id and nonce then table.insert(claimed, { id, nonce }) end
  end
end
