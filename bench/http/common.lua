-- Shared by every scenario script: thread numbering, the run tag passed by run.sh, and a done() that prints one
-- parseable line ("@@ key=value ...") with the counts, wrk's socket errors and the latency percentiles in µs.
-- Usage from a scenario: local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"; dofile(dir .. "common.lua")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

-- Each thread starts its own Lua state; these globals are per thread. tag comes from run.sh (wrk ... -- TAG ...),
-- unique per wrk process, so task IDs "TAG-THREAD-N" never collide between threads, scenarios or runs.
tag = "t"
script_args = {}
counters = { created = 0, claimed = 0, committed = 0, nothing_due = 0, conflict = 0, other = 0 }

function init(args)
  script_args = args
  tag = args[1] or tag
  prefix = tag .. "-" .. thread_number .. "-"
  -- Flatten the counters into thread globals so done() can read them with thread:get().
  for k, _ in pairs(counters) do _G["count_" .. k] = 0 end
end

function count(name, n)
  _G["count_" .. name] = _G["count_" .. name] + (n or 1)
end

function done(summary, latency, requests)
  local totals = {}
  for k, _ in pairs(counters) do totals[k] = 0 end
  for _, t in ipairs(threads) do
    for k, _ in pairs(counters) do totals[k] = totals[k] + (t:get("count_" .. k) or 0) end
  end
  local e = summary.errors
  io.write(string.format(
    "@@ requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d " ..
    "created=%d claimed=%d committed=%d nothing_due=%d conflict=%d other=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout,
    totals.created, totals.claimed, totals.committed, totals.nothing_due, totals.conflict, totals.other))
end
