-- Claim the next task of the topic, then commit it with its nonce: two requests per consumed task.
local commits = {}
request = function()
  local c = table.remove(commits)
  if c then
    return wrk.format("PATCH", "/v1/topics/bench/tasks/" .. c[1], {["Content-Type"] = "application/json"},
      '{"nonce":"' .. c[2] .. '"}')
  end
  return wrk.format("POST", "/v1/topics/bench/promises", {["Content-Type"] = "application/json"}, '{"consumer":"w","timeout":"1h"}')
end
response = function(status, headers, body)
  if status == 200 then
    local id = string.match(body, '"_id":"([^"]+)"')
    local nonce = string.match(body, '"nonce":"([^"]+)"')
    local state = string.match(body, '"state":(%d)')
    if id and nonce and nonce ~= "" and state == "1" then
      table.insert(commits, {id, nonce})
    end
  end
end
