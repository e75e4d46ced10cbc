-- Server-side issuance for existing profiles: POST /v1/users/sessions with {"uuid": ...} picked at random among
-- PROFILES bulk-seeded profiles (lib.sh's bulk_profiles numbering), so no profile nears its issuance limit.
math.randomseed(tonumber(os.getenv("WRK_SEED") or os.time())) -- generators run side by side draw differently
local secret = os.getenv("API_SECRET")
local first = tonumber(os.getenv("FIRST_PROFILE") or "1")
local count = tonumber(os.getenv("PROFILES"))
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. secret }

request = function()
  local i = first + math.random(count) - 1
  return wrk.format("POST", "/v1/users/sessions", headers, string.format('{"uuid":"00000000-0000-4000-8000-%012x"}', i))
end

done = function(summary, latency, requests)
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
