-- The HTTP floor: GET /v1/livez (200, empty body).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

wrk.method = "GET"
wrk.path = "/v1/livez"
