-- GraphQL `profile` query (the profile's own fields), each request with one of many distinct session tokens.
math.randomseed(tonumber(os.getenv("WRK_SEED") or os.time())) -- generators run side by side draw differently
local tokens = {}
for line in io.lines(os.getenv("TOKENS_FILE")) do tokens[#tokens + 1] = line end
local body = '{"query":"{ profile { id uuid email phone name names { first last } createdAt updatedAt } }"}'

request = function()
  return wrk.format("POST", "/v1/graphql", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
