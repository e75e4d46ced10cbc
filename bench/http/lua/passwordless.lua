-- One passwordless round trip = identify an existing profile (a passcode is created and queued) + authenticate
-- with the sandbox code. Requests alternate; profiles are spread so no identifier is hammered.
math.randomseed(tonumber(os.getenv("WRK_SEED") or os.time())) -- generators run side by side draw differently
local client = os.getenv("CLIENT_ID")
local profiles = tonumber(os.getenv("PROFILES") or "1000")
local counter = 0
local current = 1

request = function()
  counter = counter + 1
  if counter % 2 == 1 then
    current = math.random(profiles)
    local body = string.format('{"session":{"clientId":"%s","email":"user%d@bench.test"}}', client, current)
    return wrk.format("POST", "/v1/users/session", { ["Content-Type"] = "application/json" }, body)
  end
  local body = string.format('{"session":{"clientId":"%s","email":"user%d@bench.test","passcode":"000000"}}', client, current)
  return wrk.format("PUT", "/v1/users/session", { ["Content-Type"] = "application/json" }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
