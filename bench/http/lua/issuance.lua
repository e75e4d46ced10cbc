-- Server-side issuance for existing profiles: POST /v1/users/sessions {"userId": "<uuid>"} with the API key secret.
-- Profiles are taken in turn from uuids 00000000-0000-4000-8000-<i> for i in FIRST..LAST (seeded beforehand), so each
-- one gets few tokens and the per-profile issuance limit (10 an hour) is not what is measured.
local secret = os.getenv("API_SECRET")
local first = tonumber(os.getenv("FIRST") or "1")
local last = tonumber(os.getenv("LAST") or "20000")
local span = last - first + 1
local counter = math.random(span) - 1

request = function()
  counter = (counter + 1) % span
  local body = string.format('{"userId":"00000000-0000-4000-8000-%012d"}', first + counter)
  return wrk.format("POST", "/v1/users/sessions",
    { ["Authorization"] = "Bearer " .. secret, ["Content-Type"] = "application/json" }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
