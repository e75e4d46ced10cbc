// Opens idle ActionCable sockets against a Tessera instance in steps (SOCKETS, e.g. "1000,5000,10000"), reading the
// server's resident memory (/proc/<SERVER_PID>) at each step, then measures event latency with every socket still
// open: EVENTS imports, each creating a connection, from the import's HTTP answer (committed) and from the request's
// start, to the connectionCreated result on a subscribed socket. Prints a Markdown table.
import { readFileSync } from 'node:fs'
import WS from 'ws'

const base = process.env.TESSERA_URL
const ws = base.replace(/^http/, 'ws')
const apiSecret = process.env.API_SECRET
const pid = process.env.SERVER_PID
const steps = (process.env.SOCKETS || '1000,5000,10000').split(',').map(Number)
const events = Number(process.env.EVENTS || 50)
const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024

const session = async () => {
  const response = await fetch(`${base}/v1/users/sessions`, { method: 'POST', headers: { authorization: `Bearer ${apiSecret}`, 'content-type': 'application/json' }, body: '{}' })
  return response.json()
}

const open = (token) => new Promise((resolve, reject) => {
  const socket = new WS(`${ws}/websockets?token=${token}`, ['actioncable-v1-json'])
  socket.on('message', function first(data) {
    if (JSON.parse(data).type === 'welcome') { socket.off('message', first); resolve(socket) }
  })
  socket.on('error', reject)
})

const idle = await session()
const sockets = []
const rows = []
const baseline = rssMiB()
for (const target of steps) {
  const started = performance.now()
  while (sockets.length < target) {
    const batch = []
    for (let i = 0; i < 200 && sockets.length + batch.length < target; i++) batch.push(open(idle.token))
    sockets.push(...await Promise.all(batch))
  }
  global.gc?.()
  await new Promise((r) => setTimeout(r, 3000)) // let the server's pings and GC settle before reading memory
  const rss = rssMiB()
  rows.push(`| ${target.toLocaleString('en')} | ${rss.toFixed(0)} MiB | ${(((rss - baseline) * 1024) / target).toFixed(1)} KiB | ${((performance.now() - started) / 1000).toFixed(1)} s |`)
  console.error(`${target} sockets: ${rss.toFixed(0)} MiB`)
}

// Latency with every idle socket open and pinged.
const watcher = await session()
const socket = await open(watcher.token)
const identifier = JSON.stringify({ channel: 'GraphQLChannel', channelId: 'bench' })
const waiting = []
socket.on('message', (data) => {
  const message = JSON.parse(data)
  if (message.message?.result?.data?.connectionCreated) waiting.shift()?.(performance.now())
})
socket.send(JSON.stringify({ command: 'subscribe', identifier }))
await new Promise((r) => socket.on('message', function c(d) { if (JSON.parse(d).type === 'confirm_subscription') { socket.off('message', c); r() } }))
socket.send(JSON.stringify({ command: 'message', identifier, data: JSON.stringify({ action: 'execute', query: 'subscription { connectionCreated { connection { id } } }', variables: {} }) }))
await new Promise((r) => socket.on('message', function c(d) { if (JSON.parse(d).message?.more) { socket.off('message', c); r() } }))

const fromCommit = []
const fromRequest = []
for (let i = 0; i < events; i++) {
  const arrived = new Promise((r) => waiting.push(r))
  const start = performance.now()
  const response = await fetch(`${base}/v1/import`, {
    method: 'POST', headers: { authorization: `Bearer ${apiSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify([{ type: 'connection', uuid: crypto.randomUUID(), profileUuid: watcher.userUuid, provider: 'IMPORT', status: 'SYNCED' }]),
  })
  const committed = performance.now()
  if (!response.ok) throw new Error(`import: ${response.status} ${await response.text()}`)
  const at = await arrived
  fromCommit.push(Math.max(0, at - committed))
  fromRequest.push(at - start)
}
const pct = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]

console.log(`Server RSS before any socket: ${baseline.toFixed(0)} MiB\n`)
console.log('| idle sockets | server RSS | per socket | time to open |\n|---:|---:|---:|---:|')
for (const row of rows) console.log(row)
console.log(`\nEvent latency with ${sockets.length.toLocaleString('en')} idle sockets open, ${events} imports one after the other:\n`)
console.log('| measured | p50 | p95 | max |\n|---|---:|---:|---:|')
console.log(`| import answered (committed) → result on the socket | ${pct(fromCommit, 50).toFixed(1)} ms | ${pct(fromCommit, 95).toFixed(1)} ms | ${Math.max(...fromCommit).toFixed(1)} ms |`)
console.log(`| import sent → result on the socket | ${pct(fromRequest, 50).toFixed(1)} ms | ${pct(fromRequest, 95).toFixed(1)} ms | ${Math.max(...fromRequest).toFixed(1)} ms |`)
for (const s of sockets) s.terminate()
socket.terminate()
process.exit(0)
