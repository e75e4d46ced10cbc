// Drives a live Tessera with @quiltt/core, unmodified. The SDK derives its hosts from QUILTT_API_DOMAIN
// (auth.<domain>, api.<domain>); fetch is wrapped before the SDK is imported so those hosts reach the local server.
import { execFileSync } from 'node:child_process'
import assert from 'node:assert/strict'

const base = process.env.TESSERA_URL
const domain = 'tessera.test'
const realFetch = globalThis.fetch
// What the SDK sent to /v1/graphql, to check it batches (the SDK keeps the fetch it saw at import).
const graphqlBodies = []
// Every request the SDK makes to the auth endpoint, to see its retries.
const authRequests = []
globalThis.fetch = (input, init) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
  if (url.pathname === '/v1/graphql' && typeof init?.body === 'string') graphqlBodies.push(JSON.parse(init.body))
  if (url.pathname === '/v1/users/session') authRequests.push(init?.method ?? 'GET')
  if (url.hostname.endsWith(`.${domain}`)) return realFetch(new URL(url.pathname + url.search, base), init)
  return realFetch(input, init)
}
process.env.QUILTT_API_DOMAIN = domain
process.env.QUILTT_API_INSECURE = 'true'
const { AuthAPI, JsonWebTokenParse, QuilttClient, InMemoryCache, gql, GlobalStorage, createVersionLink } = await import('@quiltt/core')

const clientId = process.env.CLIENT_ID
const environmentId = process.env.ENVIRONMENT_ID
const apiSecret = process.env.API_SECRET
const cli = JSON.parse(process.env.TESSERA_CLI)
const auth = new AuthAPI(clientId)

let passed = 0
const check = async (name, fn) => {
  await fn()
  passed++
  console.log(`ok - ${name}`)
}

const passcodeMessages = (recipient) => {
  const out = execFileSync(cli[0], [...cli.slice(1, 2), 'outbox', 'list', '--environment', environmentId, '--json', ...cli.slice(2)], { encoding: 'utf8' })
  const messages = JSON.parse(out).filter((m) => m.recipient === recipient)
  messages.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
  return messages
}

const latestPasscode = (recipient) => {
  const messages = passcodeMessages(recipient)
  const code = messages[0]?.text?.match(/\b\d{6}\b/)?.[0]
  assert.ok(code, `a passcode for ${recipient} in the outbox`)
  return code
}

const email = `sdk-${Date.now()}@example.com`
let token

await check('identify of a new email returns 201 with a token the SDK can parse', async () => {
  const response = await auth.identify({ email })
  assert.equal(response.status, 201)
  token = response.data.token
  const jwt = JsonWebTokenParse(token)
  assert.ok(jwt, 'JsonWebTokenParse accepts the token')
  assert.equal(jwt.claims.eid, environmentId)
  assert.ok(jwt.claims.exp > Date.now() / 1000)
  assert.equal(response.headers.get('authorization'), `Bearer ${token}`)
})

let firstCode
let firstSentAt
await check('identify of an existing email returns 202', async () => {
  firstSentAt = Date.now()
  const response = await auth.identify({ email })
  assert.equal(response.status, 202)
})

await check('a second identify inside the 30 s resend cooldown resolves 202 in one request and sends nothing', async () => {
  // The SDK retries a 429 ten times and ignores Retry-After: a refusal here would be 11 requests and a rejection.
  authRequests.length = 0
  const response = await auth.identify({ email })
  assert.equal(response.status, 202)
  assert.deepEqual(authRequests, ['POST'], 'exactly one request, no retries')
  assert.ok(Date.now() - firstSentAt < 30_000, 'still inside the cooldown')
  // Read after both calls: the CLI is slow on a busy machine and must not let the cooldown run out in between.
  assert.equal(passcodeMessages(email).length, 1, 'no second passcode')
  firstCode = latestPasscode(email)
})

await check('authenticate with a wrong passcode returns 401', async () => {
  const real = latestPasscode(email)
  const response = await auth.authenticate({ email, passcode: real === '123456' ? '654321' : '123456' })
  assert.equal(response.status, 401)
})

await check('authenticate with the first passcode (sent before the suppressed resend) returns 201', async () => {
  const response = await auth.authenticate({ email, passcode: firstCode })
  assert.equal(response.status, 201)
  token = response.data.token
  assert.ok(JsonWebTokenParse(token))
})

await check('ping of a live token returns 200', async () => {
  const response = await auth.ping(token)
  assert.equal(response.status, 200)
  assert.equal(response.data.token, token)
})

await check('revoke returns 204, then ping returns 401', async () => {
  assert.equal((await auth.revoke(token)).status, 204)
  assert.equal((await auth.ping(token)).status, 401)
})

await check('importSession of a server-issued token (as @quiltt/react does it: parse, environment, ping)', async () => {
  const issued = await realFetch(new URL('/v1/users/sessions', base), {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiSecret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: `server-${Date.now()}@example.com` }),
  })
  assert.equal(issued.status, 201)
  const serverToken = (await issued.json()).token
  // run.sh's second pass: the sandbox signs ES256 now; the SDK must not care.
  if (process.env.EXPECT_ALG) assert.equal(JSON.parse(Buffer.from(serverToken.split('.')[0], 'base64url')).alg, process.env.EXPECT_ALG)
  const jwt = JsonWebTokenParse(serverToken)
  assert.ok(jwt)
  assert.equal(jwt.claims.eid, environmentId)
  assert.equal((await auth.ping(serverToken)).status, 200)
})

// ---- GraphQL through the SDK's own Apollo client (version, auth and batch links) ----
const signedUp = await auth.identify({ email: `graphql-${Date.now()}@example.com` })
GlobalStorage.set('session', signedUp.data.token)
const client = new QuilttClient({ cache: new InMemoryCache(), versionLink: createVersionLink('tessera-compat') })

await check('QuilttClient runs the mock-bank mutation, a profile query and a transactions page (batched)', async () => {
  const created = await client.mutate({ mutation: gql`mutation { connectorMockInitialize { success record { id accounts { id name } } } }` })
  assert.equal(created.data.connectorMockInitialize.success, true)
  // The mock bank: checking, savings and a card at the bank, a brokerage and a Roth IRA.
  assert.equal(created.data.connectorMockInitialize.record.accounts.length, 5)
  graphqlBodies.length = 0
  const [profile, page] = await Promise.all([
    client.query({ query: gql`query ProfileQuery { profile { id email } }` }),
    client.query({
      query: gql`query TransactionsPage($first: Int) { transactions(first: $first) { count nodes { id date amount entryType merchant { name } account { id name } } pageInfo { hasNextPage endCursor } } }`,
      variables: { first: 50 },
    }),
  ])
  assert.ok(profile.data.profile.id.startsWith('p_'))
  assert.equal(page.data.transactions.nodes.length, 50)
  assert.ok(page.data.transactions.count > 300)
  assert.equal(page.data.transactions.pageInfo.hasNextPage, true)
  assert.ok(graphqlBodies.some((body) => Array.isArray(body) && body.length === 2), 'the two queries went as one batch')
})

await check('QuilttClient runs profileUpdate and reads its payload', async () => {
  const result = await client.mutate({
    mutation: gql`mutation Update($input: ProfileUpdateInput!) { profileUpdate(input: $input) { success errors { message path } record { id names { full } metadata } } }`,
    variables: { input: { names: { first: 'Grace', last: 'Hopper' }, metadata: { plan: 'gold' } } },
  })
  assert.equal(result.data.profileUpdate.success, true)
  assert.equal(result.data.profileUpdate.record.names.full, 'Grace Hopper')
  assert.equal(result.data.profileUpdate.record.metadata.plan, 'gold')
})

await check('a revoked session makes QuilttClient fail with 401 before any GraphQL runs', async () => {
  assert.equal((await auth.revoke(GlobalStorage.get('session'))).status, 204)
  await assert.rejects(client.query({ query: gql`query Again { profile { id } }`, fetchPolicy: 'network-only' }))
})

await client.stop?.()
console.log(`quiltt-sdk: ${passed} checks passed`)
