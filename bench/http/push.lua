-- (a) Single-task push: POST /v1/topics/{topic}/tasks/{unique id} with a small JSON payload (201 each).
-- Args: TAG [TOPIC]. No response() callback: wrk counts any non-2xx (a 409 for a reused ID included) as a status error.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local n = 0
local path
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"payload":{"url":"https://example.com/page","depth":3}}'

request = function()
  if not path then path = "/v1/topics/" .. (script_args[2] or "bench") .. "/tasks/" .. prefix end
  n = n + 1
  return wrk.format(nil, path .. n)
end
