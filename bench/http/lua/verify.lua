-- Token verification: GET /v1/users/session with one of many distinct valid tokens (TOKENS_FILE, one per line).
math.randomseed(tonumber(os.getenv("WRK_SEED") or os.time())) -- generators run side by side draw differently
local tokens = {}
for line in io.lines(os.getenv("TOKENS_FILE")) do tokens[#tokens + 1] = line end

request = function()
  return wrk.format("GET", "/v1/users/session", { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] })
end

done = function(summary, latency, requests)
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
