-- GraphQL `profile` query (every field of the profile's own row, one read by primary key), each request with one of
-- many distinct session tokens: what it costs is the fixed cost of every GraphQL request (auth, document cache,
-- execution, serialization, one round trip).
math.randomseed(tonumber(os.getenv("WRK_SEED") or os.time())) -- generators run side by side draw differently
local tokens = {}
for line in io.lines(os.getenv("TOKENS_FILE")) do tokens[#tokens + 1] = line end
local query = "query Profile { profile { id uuid email phone name names { first last full } dateOfBirth address { line1 line2 city state postalCode countryCode } metadata createdAt updatedAt } }"
local body = string.format('{"query":"%s"}', query)

request = function()
  return wrk.format("POST", "/v1/graphql", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
