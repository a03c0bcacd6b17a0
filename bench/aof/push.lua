-- POST one new task per request, unique IDs per wrk thread.
local counter = 0
local prefix = tostring(math.random(1, 1e9))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"payload":{"url":"https://example.com/page","depth":3}}'
request = function()
  counter = counter + 1
  return wrk.format(nil, "/v1/topics/bench/tasks/" .. prefix .. "-" .. counter)
end
