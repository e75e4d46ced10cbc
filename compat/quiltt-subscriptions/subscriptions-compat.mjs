// The Quiltt SDK's own subscription link (@quiltt/core's SubscriptionLink over @rails/actioncable), unmodified,
// against a live Tessera. Node has no browser: WebSocket comes from `ws`, and the few globals ActionCable's
// connection monitor touches (addEventListener, document) are inert shims. The SDK derives its hosts from
// QUILTT_API_DOMAIN (api.<domain>); fetch and the WebSocket are pointed at the local servers before it is imported.
// SOCKET_URL is where the socket goes, TESSERA_URL where HTTP goes: two instances sharing PostgreSQL when they differ.
import assert from 'node:assert/strict'
import WS from 'ws'

const httpBase = process.env.TESSERA_URL
const socketBase = (process.env.SOCKET_URL || httpBase).replace(/^http/, 'ws')
const apiSecret = process.env.API_SECRET
const domain = 'tessera.test'
// A bound for a loaded machine, not a speed requirement.
const patience = 15_000

const realFetch = globalThis.fetch
globalThis.fetch = (input, init) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
  if (url.hostname.endsWith(`.${domain}`)) return realFetch(new URL(url.pathname + url.search, httpBase), init)
  return realFetch(input, init)
}

// Every socket the SDK opens, and what it receives, so the test waits on the protocol instead of on time.
const sockets = []
globalThis.WebSocket = class extends WS {
  constructor(url, protocols) {
    const target = new URL(url)
    super(new URL(target.pathname + target.search, socketBase).toString(), protocols)
    this.received = []
    this.waiters = []
    this.closed = new Promise((resolve) => this.addEventListener('close', resolve))
    this.addEventListener('message', (event) => {
      const message = JSON.parse(event.data)
      this.received.push(message)
      for (const waiter of [...this.waiters]) if (waiter.test(message)) { this.waiters.splice(this.waiters.indexOf(waiter), 1); waiter.resolve(message) }
    })
    sockets.push(this)
  }
  next(test) {
    const seen = this.received.find(test)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      this.waiters.push({ test, resolve })
      setTimeout(() => reject(new Error('no such message in time')), patience).unref()
    })
  }
}
globalThis.addEventListener ??= () => {}
globalThis.removeEventListener ??= () => {}
globalThis.document ??= { visibilityState: 'visible' }
process.env.QUILTT_API_DOMAIN = domain
process.env.QUILTT_API_INSECURE = 'true'
const { QuilttClient, InMemoryCache, gql, GlobalStorage, createVersionLink } = await import('@quiltt/core')

let passed = 0
const check = async (name, fn) => {
  await fn()
  passed++
  console.log(`ok - ${name}`)
}
const within = (promise, what) => Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: nothing in time`)), patience).unref())])

const issued = await realFetch(new URL('/v1/users/sessions', httpBase), {
  method: 'POST', headers: { authorization: `Bearer ${apiSecret}`, 'content-type': 'application/json' }, body: '{}',
})
assert.equal(issued.status, 201)
const token = (await issued.json()).token
GlobalStorage.set('session', token)
const client = new QuilttClient({ cache: new InMemoryCache(), versionLink: createVersionLink('tessera-compat') })

let socket
const events = []
let nextEvent
await check('useSubscription\'s link connects with the token, is welcomed, confirmed, and its operation accepted', async () => {
  client.subscribe({ query: gql`subscription { connectionCreated { connection { id status } } }` }).subscribe({
    next: (result) => { events.push(result); nextEvent?.(result) },
    error: (error) => { throw error },
  })
  socket = await within(new Promise((resolve) => { const poll = setInterval(() => { if (sockets[0]) { clearInterval(poll); resolve(sockets[0]) } }, 10) }), 'socket')
  assert.equal(new URL(socket.url).searchParams.get('token'), token)
  await socket.next((m) => m.type === 'welcome')
  await socket.next((m) => m.type === 'confirm_subscription')
  const first = await socket.next((m) => m.message?.more === true)
  assert.deepEqual(first.message.result, { data: null })
  assert.equal(socket.protocol, 'actioncable-v1-json')
})

await check('the mock bank connecting delivers connectionCreated to the SDK observer', async () => {
  const arrived = new Promise((resolve) => { nextEvent = resolve })
  const created = await client.mutate({ mutation: gql`mutation { connectorMockInitialize { success record { id } } }` })
  const id = created.data.connectorMockInitialize.record.id
  const result = await within(arrived, 'connectionCreated')
  assert.equal(result.data.connectionCreated.connection.id, id)
})

await check('pings keep coming, so the client never sees the link as stale', async () => {
  const before = socket.received.filter((m) => m.type === 'ping').length
  await socket.next((m) => m.type === 'ping' && socket.received.filter((x) => x.type === 'ping').length > before)
})

await check('revoking the session closes the socket with disconnect unauthorized, and the client does not reconnect', async () => {
  const revoked = await realFetch(new URL('/v1/users/session', httpBase), { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })
  assert.equal(revoked.status, 204)
  const disconnect = await socket.next((m) => m.type === 'disconnect')
  assert.deepEqual(disconnect, { type: 'disconnect', reason: 'unauthorized', reconnect: false })
  await within(socket.closed, 'close')
})

console.log(`${passed} passed`)
process.exit(0)
