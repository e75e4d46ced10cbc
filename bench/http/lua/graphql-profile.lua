-- The authenticated profile's own fields (one row by primary key): the cheapest useful GraphQL request, so what it
-- costs is the fixed cost of every request (auth, document cache, execution, serialization, one round trip).
local token = os.getenv("SESSION_TOKEN")
local query = "query Profile { profile { id uuid email phone name names { first last full } dateOfBirth address { line1 line2 city state postalCode countryCode } metadata createdAt updatedAt } }"
local body = string.format('{"query":"%s"}', query)

request = function()
  return wrk.format("POST", "/v1/graphql", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
