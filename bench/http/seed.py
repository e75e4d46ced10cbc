"""Creates N profiles user1..userN@bench.test through the API (keep-alive, one connection)."""
import http.client, json, sys
host, port, secret, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
conn = http.client.HTTPConnection(host, port)
for i in range(1, count + 1):
    conn.request("POST", "/v1/profiles", json.dumps({"email": f"user{i}@bench.test"}),
                 {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    if response.status not in (201, 409):
        sys.exit(f"seeding failed at {i}: HTTP {response.status}")
