-- (c) and the consumer half of (d): promise + commit. Each wrk thread keeps the tasks it claimed; a request commits one
-- of them if it holds any, else claims the next due task of the topic:
--   POST  /v1/topics/{topic}/promises   {"timeout":"10m"}                     -> 200 task, state 1, fresh nonce
--   PATCH /v1/topics//tasks/{id}        {"nonce":"...", <commit by MODE>}     -> 200 task
-- Args: TAG TOPIC MODE. MODE "requeue" commits back to pending with "defer":"0s" (state 0, scheduled = now): the task
-- goes to the back of the topic's queue, so the backlog stays constant and every claim takes a different task.
-- MODE "complete" commits with the nonce only (state 2, completed): the backlog shrinks by one per cycle.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local claimed = {}
local headers = { ["Content-Type"] = "application/json" }
local promise_path, commit_tail

request = function()
  if not promise_path then
    promise_path = "/v1/topics/" .. (script_args[2] or "cycle") .. "/promises"
    commit_tail = (script_args[3] or "requeue") == "requeue" and '","state":0,"defer":"0s"}' or '"}'
  end
  local task = table.remove(claimed)
  if task then
    return wrk.format("PATCH", "/v1/topics//tasks/" .. task[1], headers, '{"nonce":"' .. task[2] .. commit_tail)
  end
  return wrk.format("POST", promise_path, headers, '{"timeout":"10m"}')
end

response = function(status, headers, body)
  if status == 200 then
    local state = body:match('"state":(%d)')
    if state == "1" then
      local id, nonce = body:match('"_id":"([^"]+)"'), body:match('"nonce":"([^"]+)"')
      if id and nonce then
        table.insert(claimed, { id, nonce })
        count("claimed")
        return
      end
    elseif state then
      count("committed")
      return
    end
  elseif status == 404 then
    count("nothing_due") -- a poll found no due task: the backlog drained (or a commit's task vanished)
    return
  elseif status == 409 then
    count("conflict")
    return
  end
  count("other")
end
