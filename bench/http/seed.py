"""Seeds what the scenarios need through the API, after lib.sh's bulk_profiles has put the profiles in:
TOKENS distinct session tokens, round-robin over profiles 1..PROFILES (10 per profile stays within the shipped
issuance limit of 10 an hour), and one new profile holding TRANSACTIONS transactions (imported as NDJSON in chunks)
with the cursors of its first pages.
Usage: seed.py HOST PORT API_SECRET PROFILES TOKENS TRANSACTIONS OUT_DIR"""
import http.client, json, random, sys, uuid

host, port, secret, profiles, tokens, transactions, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
conn = http.client.HTTPConnection(host, port, timeout=600)
auth = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}

def call(method, path, body, headers=auth):
    conn.request(method, path, body, headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        sys.exit(f"{method} {path}: HTTP {response.status} {data[:300]!r}")
    return json.loads(data) if data else None

def bench_uuid(i):  # as lib.sh's bulk_profiles writes them
    return f"00000000-0000-4000-8000-{i:012x}"

with open(f"{out}/tokens.txt", "w") as f:
    for i in range(tokens):
        session = call("POST", "/v1/users/sessions", json.dumps({"uuid": bench_uuid(i % profiles + 1)}))
        f.write(session["token"] + "\n")

owner = call("POST", "/v1/users/sessions", json.dumps({"email": "heavy@bench.test"}))
rng = random.Random(7)
connection, accounts = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(4)]
head = [json.dumps({"type": "connection", "uuid": connection, "profileUuid": owner["userUuid"], "institution": {"id": "ins_bench", "name": "Bench Bank"}})]
head += [json.dumps({"type": "account", "uuid": a, "connectionUuid": connection, "name": f"Account {i}", "accountType": "CHECKING"}) for i, a in enumerate(accounts)]
call("POST", "/v1/import", "\n".join(head), {"Authorization": f"Bearer {secret}", "Content-Type": "application/x-ndjson"})
chunk, imported = 10_000, 0
for start in range(0, transactions, chunk):
    lines = [json.dumps({"type": "transaction", "uuid": str(uuid.UUID(int=10**12 + i)), "accountUuid": accounts[i % 4],
                         "date": f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}", "description": f"Card purchase {i % 500}",
                         "amount": rng.randint(100, 50000), "entryType": "DEBIT", "merchant": {"id": f"mer_{i % 500}", "name": f"Merchant {i % 500}"}})
             for i in range(start, min(start + chunk, transactions))]
    imported += call("POST", "/v1/import", "\n".join(lines), {"Authorization": f"Bearer {secret}", "Content-Type": "application/x-ndjson"})["imported"]["transaction"]
assert imported == transactions, imported

query = "query Page($after: String) { transactions(first: 50, after: $after) { pageInfo { endCursor } } }"
cursor, cursors = None, []
for _ in range(4):
    page = call("POST", "/v1/graphql", json.dumps({"query": query, "variables": {"after": cursor}}), {"Authorization": f"Bearer {owner['token']}", "Content-Type": "application/json"})
    cursor = page["data"]["transactions"]["pageInfo"]["endCursor"]
    if cursor is None:
        break
    cursors.append(cursor)
with open(f"{out}/cursors.txt", "w") as f:
    f.write("\n".join(cursors) + "\n")
with open(f"{out}/owner.txt", "w") as f:
    f.write(owner["token"])
