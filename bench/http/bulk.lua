-- (b) Bulk push: POST /v1/topics/{topic}/tasks with {"data":[100 tasks with unique IDs]} (docs/protocol.md §2.4; 201 with
-- {"created":100,"updated":0}). Args: TAG [TOPIC] [TASKS PER REQUEST]. response() sums "created", so a batch whose
-- IDs were skipped as duplicates shows up as created < 100 x requests.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local n = 0
local parts = {}
local headers = { ["Content-Type"] = "application/json" }

request = function()
  local size = tonumber(script_args[3] or "100")
  for i = 1, size do
    n = n + 1
    parts[i] = '{"_id":"' .. prefix .. n .. '","payload":{"url":"https://example.com/page","depth":3}}'
  end
  return wrk.format("POST", "/v1/topics/" .. (script_args[2] or "bulk") .. "/tasks", headers,
    '{"data":[' .. table.concat(parts, ",", 1, size) .. ']}')
end

response = function(status, headers, body)
  local created = tonumber(body:match('"created":(%d+)'))
  if (status == 200 or status == 201) and created then count("created", created) else count("other") end
end
