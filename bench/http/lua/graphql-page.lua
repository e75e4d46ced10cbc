-- A 50-row transactions page with account and merchant, for a profile holding many transactions; pages 1 to 5
-- in turn (after the first, by cursor from PAGE_CURSORS_FILE), so deep pages are measured too.
local token = os.getenv("SESSION_TOKEN")
local cursors = { "null" }
for line in io.lines(os.getenv("PAGE_CURSORS_FILE")) do cursors[#cursors + 1] = '"' .. line .. '"' end
-- WITH_COUNT=0 leaves out `count` (which scans every match) to show the page's own cost.
local count = os.getenv("WITH_COUNT") == "0" and "" or "count "
local query = "query Page($after: String) { transactions(first: 50, after: $after) { " .. count .. "nodes { id date description amount entryType merchant { name } account { id name } } pageInfo { hasNextPage endCursor } } }"
local i = 0

request = function()
  i = i + 1
  local body = string.format('{"query":"%s","variables":{"after":%s}}', query, cursors[(i % #cursors) + 1])
  return wrk.format("POST", "/v1/graphql", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
