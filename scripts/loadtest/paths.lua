-- wrk script: requests PREFIX .. urlencode(line) for the lines of LIST_FILE, round robin,
-- each thread starting at a different line. Prints one summary line per run for
-- scripts/loadtest.sh to collect.
--
--   wrk -c128 -d60s -s paths.lua http://127.0.0.1:18080 -- LABEL PREFIX LIST_FILE
--
-- A PREFIX ending in '=' (a query string) percent-encodes each line; otherwise (a path) the
-- line is used as is.

-- Globals, not locals: done() reads the label from a thread with thread:get().
label, prefix, items = "run", "/", {}
local counter = 0
local threads = {}

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  label = args[1] or label
  prefix = args[2] or prefix
  local file = args[3]
  if file then
    for line in io.lines(file) do
      if #line > 0 then
        if prefix:sub(-1) == "=" then
          line = urlencode(line)
        end
        table.insert(items, prefix .. line)
      end
    end
  end
  if #items == 0 then
    items = { prefix }
  end
  counter = (index or 0) * 7919
end

function request()
  counter = counter + 1
  return wrk.format("GET", items[(counter % #items) + 1])
end

function done(summary, latency, requests)
  -- done() runs in the main Lua state, where init() never ran: ask a thread for the label.
  if threads[1] then
    label = threads[1]:get("label") or label
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT label=%s requests=%d seconds=%.1f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
    "non2xx3xx=%d connect=%d read=%d write=%d timeout=%d\n",
    label, summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect, e.read, e.write, e.timeout))
end
