-- POST one new task per request. IDs are unique per wrk thread and per run: each thread seeds from the clock and its
-- own number, since every thread (and every wrk run) starts a fresh Lua state with the same default seed.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local counter = 0
local prefix
function init(args)
  math.randomseed(os.time() * 1000 + thread_number)
  prefix = tostring(math.random(1, 1e9)) .. "-" .. thread_number
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"payload":{"url":"https://example.com/page","depth":3}}'
request = function()
  counter = counter + 1
  return wrk.format(nil, "/v1/topics/bench/tasks/" .. prefix .. "-" .. counter)
end
