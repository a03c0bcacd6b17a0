-- A consumer polling a topic with nothing due: POST /v1/topics/empty/promises -> 404 {"error":{"code":404,...}}.
-- Not part of run.sh (which fails on any non-2xx); run by hand against a warmed-up server:
--   wrk -t2 -c16 -d5s -s bench/http/empty-poll.lua http://127.0.0.1:PORT
local headers = { ["Content-Type"] = "application/json" }
request = function()
  return wrk.format("POST", "/v1/topics/empty/promises", headers, '{"timeout":"10m"}')
end
