-- wrk script: cycles through the benchmark's queries, one GET each.
-- Usage: wrk -t1 -c1 -d10s --latency -s wrk_queries.lua http://HOST:PORT
-- with QUERIES_URLS naming a file of request paths, one a line.
local paths = {}
local file = os.getenv("QUERIES_URLS")
for line in io.lines(file) do
  if #line > 0 then paths[#paths + 1] = line end
end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
