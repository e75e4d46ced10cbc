-- One passwordless round trip = identify an existing profile (a passcode is created and queued) + authenticate
-- with the sandbox code. Requests alternate, each for a profile drawn on its own: one Lua state serves every
-- connection, so an answer for the profile just identified would be in flight beside its send, on the same identifier
-- lock, every time (PostgreSQL then queued each answer behind its send's commit). A real user answers seconds later.
math.randomseed(tonumber(os.getenv("WRK_SEED") or os.time())) -- generators run side by side draw differently
local client = os.getenv("CLIENT_ID")
local profiles = tonumber(os.getenv("PROFILES") or "1000")
local counter = 0

request = function()
  counter = counter + 1
  local current = math.random(profiles)
  if counter % 2 == 1 then
    local body = string.format('{"session":{"clientId":"%s","email":"user%d@bench.test"}}', client, current)
    return wrk.format("POST", "/v1/users/session", { ["Content-Type"] = "application/json" }, body)
  end
  local body = string.format('{"session":{"clientId":"%s","email":"user%d@bench.test","passcode":"000000"}}', client, current)
  return wrk.format("PUT", "/v1/users/session", { ["Content-Type"] = "application/json" }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
