// Drives examples/react (built once, @quiltt/react unmodified) in Debian's headless Chromium against a live Tessera:
// sign in with the passcode from the outbox, connect the mock bank through QuilttButton, see the accounts appear
// without a reload (only a subscription event refreshes the page's lists) and the transactions; every step checks
// the page against what the GraphQL API says for that profile, and is kept as a screenshot.
// Env: APP_DIR (the built app), PROXY_PORT (the port the app was built for: QUILTT_API_DOMAIN=localhost:PORT),
// HTTP_BACKEND and SOCKET_BACKEND (Tessera base URLs: the same instance, or two sharing PostgreSQL), TESSERA_CLI
// (JSON argv of the CLI), CLIENT_ID, ENVIRONMENT_ID, API_SECRET, CONNECTOR_ID, ARTIFACTS, LABEL, CHROMIUM.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import puppeteer from 'puppeteer-core'
import { startProxy } from './proxy.mjs'

const env = name => process.env[name] ?? (() => { throw new Error(`${name} is not set`) })()
const port = Number(env('PROXY_PORT'))
const httpBackend = env('HTTP_BACKEND')
const socketBackend = env('SOCKET_BACKEND')
const cli = JSON.parse(env('TESSERA_CLI'))
const clientId = env('CLIENT_ID')
const environmentId = env('ENVIRONMENT_ID')
const apiSecret = env('API_SECRET')
const connectorId = env('CONNECTOR_ID')
const label = process.env.LABEL ?? 'run'
const artifacts = path.join(env('ARTIFACTS'), label)
fs.mkdirSync(artifacts, { recursive: true })
const twoInstances = httpBackend !== socketBackend

const timeout = 30_000
let step = 0
let passed = 0
const started = Date.now()
const check = (condition, message) => {
  if (!condition) throw new Error(message)
  passed++
  console.log(`ok - [${label}] ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
}

// Bounded polling for what is not the page's (the outbox, the API): ends by itself after `timeout`.
const until = async (what, probe) => {
  const deadline = Date.now() + timeout
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

const api = async (token, query) => {
  const response = await fetch(`${httpBackend}/v1/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  })
  const body = await response.json()
  if (response.status !== 200 || body.errors) throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body)}`)
  return body.data
}

const passcodeFor = recipient => {
  const out = execFileSync(cli[0], [...cli.slice(1, 2), 'outbox', 'list', '--environment', environmentId, '--json', ...cli.slice(2)], { encoding: 'utf8' })
  const messages = JSON.parse(out).filter(m => m.recipient === recipient).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
  return messages[0]?.text?.match(/\b\d{6}\b/)?.[0]
}

const email = `react-${label}-${Date.now()}@example.com`
// A returning user: the profile exists before the app identifies it, so identify answers 202 and sends a passcode.
{
  const response = await fetch(`${httpBackend}/v1/users/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiSecret}` },
    body: JSON.stringify({ email }),
  })
  check(response.status === 201, `the profile ${email} exists before sign-in (POST /v1/users/sessions: ${response.status})`)
}

const proxy = await startProxy({ port, appDir: env('APP_DIR'), httpBackend, socketBackend })
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
})
const problems = []
let page
try {
  page = await browser.newPage()
  await page.setViewport({ width: 1100, height: 820 })
  page.on('pageerror', error => problems.push(`page error: ${error.message}`))
  // Browser errors go to the log with any session token cut out (the SDK puts it in the WebSocket URL).
  page.on('console', message => { if (message.type() === 'error') console.error(`[browser] ${message.text().replace(/token=[\w.-]+/g, 'token=…')}`) })
  // Anything the page asks of a host outside loopback fails the run.
  page.on('request', request => {
    const host = new URL(request.url()).hostname
    if (!['localhost', '127.0.0.1'].includes(host) && !host.endsWith('.localhost') && !request.url().startsWith('data:')) problems.push(`request to ${request.url()}`)
  })

  // The page's WebSocket frames, read through the DevTools protocol: which channels the SDK's link subscribed
  // and which subscription results arrived.
  const frames = []
  const cdp = await page.createCDPSession()
  await cdp.send('Network.enable')
  cdp.on('Network.webSocketFrameReceived', ({ response }) => {
    try { frames.push({ at: Date.now(), message: JSON.parse(response.payloadData) }) } catch { /* not JSON */ }
  })
  const shot = async name => {
    const file = path.join(artifacts, `${String(++step).padStart(2, '0')}-${name}.png`)
    await page.screenshot({ path: file, fullPage: true })
  }
  const text = selector => page.$eval(selector, element => element.textContent)

  // 1. Sign in: identify by email, read the passcode the server put in the outbox, authenticate with it.
  await page.goto(`http://localhost:${port}/?clientId=${encodeURIComponent(clientId)}&connectorId=${encodeURIComponent(connectorId)}`, { waitUntil: 'load', timeout })
  await page.waitForSelector('form[data-step=identify] input[name=email]', { timeout })
  await page.type('input[name=email]', email)
  await shot('sign-in')
  await page.click('form[data-step=identify] button[type=submit]')
  await page.waitForSelector('form[data-step=authenticate] input[name=passcode]', { timeout })
  const passcode = await until(`a passcode for ${email} in the outbox`, () => passcodeFor(email))
  check(/^\d{6}$/.test(passcode), 'identify sent a 6-digit passcode to the outbox and the app asks for it')
  await page.type('input[name=passcode]', passcode)
  await shot('passcode')
  await page.click('form[data-step=authenticate] button[type=submit]')
  await page.waitForFunction(expected => document.querySelector('[data-testid=email]')?.textContent === expected, { timeout }, email)
  await page.waitForSelector('[data-testid=no-accounts]', { timeout })
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('quiltt.session') ?? 'null'))
  check(typeof token === 'string' && token.split('.').length === 3, 'the SDK keeps the session token it was given for the passcode')
  const before = await api(token, '{ profile { email } accounts { id } connections { id } }')
  check(before.profile.email === email && before.accounts.length === 0 && before.connections.length === 0,
    'the API says the signed-in profile is that email with no connection and no account, as the page shows')

  // 2. The live link: the SDK's ActionCable consumer subscribes the app's three documents (on the socket instance).
  const confirmed = () => frames.filter(f => f.message.type === 'confirm_subscription').length
  await until('the three subscriptions confirmed over the WebSocket', () => confirmed() >= 3)
  check(proxy.stats.upgrades.length > 0 && proxy.stats.upgrades.every(u => u.host === `api.localhost:${port}` && u.path === '/websockets' && u.backend === socketBackend),
    `the SDK opened its WebSocket at api.localhost:${port}/websockets, answered by ${twoInstances ? 'the second instance' : 'the instance'}`)
  check(await page.$eval('[data-testid=live]', e => e.dataset.state) === 'listening', 'the three subscriptions are live, with no error on the page')
  await shot('signed-in')

  // Another profile of the same environment, signed in to the app in another browser context with its own socket:
  // the first profile's events must not reach it.
  const otherEmail = `react-other-${label}-${Date.now()}@example.com`
  const issued = await fetch(`${httpBackend}/v1/users/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiSecret}` },
    body: JSON.stringify({ email: otherEmail }),
  })
  const otherToken = (await issued.json()).token
  const otherContext = await browser.createBrowserContext()
  const other = await otherContext.newPage()
  await other.setViewport({ width: 1100, height: 820 })
  await other.evaluateOnNewDocument(token => localStorage.setItem('quiltt.session', JSON.stringify(token)), otherToken)
  const otherFrames = []
  const otherCdp = await other.createCDPSession()
  await otherCdp.send('Network.enable')
  otherCdp.on('Network.webSocketFrameReceived', ({ response }) => {
    try { otherFrames.push(JSON.parse(response.payloadData)) } catch { /* not JSON */ }
  })
  await other.goto(`http://localhost:${port}/?clientId=${encodeURIComponent(clientId)}&connectorId=${encodeURIComponent(connectorId)}`, { waitUntil: 'load', timeout })
  await other.waitForFunction(expected => document.querySelector('[data-testid=email]')?.textContent === expected, { timeout }, otherEmail)
  await until("the other profile's three subscriptions confirmed", () => otherFrames.filter(f => f.type === 'confirm_subscription').length >= 3)

  // 3. Connect the mock bank through QuilttButton. Nothing below reloads or refetches but a subscription event.
  await page.evaluate(() => { window.__sameDocument = true })
  const framesBeforeConnect = frames.length
  await page.click('button ::-p-text(Connect a bank)')
  const institution = await connectMockBank(page, shot)
  // connector.js closes its modal on exited.successful; the app shows what onExitSuccess was given.
  await page.waitForSelector('[data-testid=connector-result]', { timeout })
  const exited = await text('[data-testid=connector-result]')

  await page.waitForSelector('table[data-testid=accounts] tr[data-account-id]', { timeout })
  check(await page.evaluate(() => window.__sameDocument === true), 'the accounts appeared without a reload')
  const pushed = frames.slice(framesBeforeConnect).filter(f => f.message.message?.result?.data)
  const pushedFields = [...new Set(pushed.map(f => Object.keys(f.message.message.result.data)[0]))].sort()
  check(pushedFields.includes('connectionCreated') && pushedFields.includes('connectionSynced'),
    `subscription results arrived over the WebSocket after connecting (${pushedFields.join(', ')})`)
  await page.waitForSelector('table[data-testid=transactions] tr[data-transaction-id]', { timeout })

  // 4. The page agrees with the API.
  const after = await api(token, '{ connections { id accounts { id } } accounts { id name } transactions(first: 10) { nodes { id } } }')
  check(after.connections.length === 1 && after.accounts.length > 0, `the API says the profile now has 1 connection and ${after.accounts.length} accounts`)
  const shownAccounts = await page.$$eval('tr[data-account-id]', rows => rows.map(r => r.dataset.accountId).sort())
  check(JSON.stringify(shownAccounts) === JSON.stringify(after.accounts.map(a => a.id).sort()), 'the page lists exactly the accounts the API returns for the profile')
  const shownTransactions = await page.$$eval('tr[data-transaction-id]', rows => rows.map(r => r.dataset.transactionId))
  check(shownTransactions.length > 0 && JSON.stringify(shownTransactions) === JSON.stringify(after.transactions.nodes.map(t => t.id)),
    `the page lists the profile's ${shownTransactions.length} newest transactions, as the API returns them`)
  const created = pushed.find(f => f.message.message.result.data.connectionCreated)
  check(created.message.message.result.data.connectionCreated.connection?.id === after.connections[0].id,
    'the pushed connectionCreated names the connection the API shows')
  for (const f of pushed.filter(f => f.message.message.result.data.accountVerified)) {
    const id = f.message.message.result.data.accountVerified.account?.id
    if (!after.accounts.some(a => a.id === id)) throw new Error(`accountVerified named ${id}, not one of the profile's accounts`)
  }
  check(exited.includes(after.connections[0].id), `QuilttButton's onExitSuccess was given the new connection's id (${exited})`)
  const shownInstitutions = await page.$$eval('tr[data-account-id] td:nth-child(2)', cells => cells.map(c => c.textContent))
  check(shownInstitutions.every(name => name === institution), `every account shown is at ${institution}, the institution picked in the Connector`)
  await shot('accounts-and-transactions')

  // 5. Isolation: the other profile now gets a connection of its own (the mock bank, over the API). Its socket
  // receives that event; anything of the first profile's would have come before it, events being sent in log order.
  const otherMock = await api(otherToken, 'mutation { connectorMockInitialize { success } }')
  check(otherMock.connectorMockInitialize.success, "the other profile's mock bank is created over the API")
  const otherResults = () => otherFrames.filter(f => f.message?.result?.data)
  await until("the other profile's own connectionCreated", () => otherResults().some(f => f.message.result.data.connectionCreated))
  const otherSees = await api(otherToken, '{ connections { id } accounts { id } }')
  const leaked = otherResults().filter(f => {
    const payload = Object.values(f.message.result.data)[0]
    const id = payload?.connection?.id ?? payload?.account?.id
    return !otherSees.connections.some(c => c.id === id) && !otherSees.accounts.some(a => a.id === id)
  })
  check(leaked.length === 0, `the other profile's socket received only its own events (${otherResults().length}), none of the first profile's`)
  await other.waitForSelector('table[data-testid=accounts] tr[data-account-id]', { timeout })
  const otherShown = await other.$$eval('tr[data-account-id]', rows => rows.map(r => r.dataset.accountId))
  check(otherShown.length > 0 && otherShown.every(id => !after.accounts.some(a => a.id === id)),
    "the other profile's page lists its own accounts, none of the first profile's")
  await otherContext.close()


  check(problems.length === 0, `no page errors and no request beyond loopback${problems.length ? `: ${problems.join('; ')}` : ''}`)
  console.log(`${passed} checks passed [${label}]; screenshots in ${artifacts}`)
} catch (error) {
  console.error(`FAIL [${label}]: ${error.message}`)
  if (problems.length) console.error(problems.join('\n'))
  // What the page showed when it failed, beside the steps' screenshots.
  if (page) {
    await page.screenshot({ path: path.join(artifacts, 'failure.png'), fullPage: true }).catch(() => {})
    console.error(`page at failure: ${await page.evaluate(() => document.body.innerText).catch(() => '?')}`)
  }
  process.exitCode = 1
} finally {
  await browser.close()
  await proxy.close()
}

// The Connector as QuilttButton opens it: connector.js (from cdn.localhost:PORT) frames Tessera's Connector page in a
// modal; the user picks an institution there. Returns the institution's name as the page showed it.
async function connectMockBank(page, shot) {
  const frameElement = await page.waitForSelector(`iframe[data-quiltt-connector="${connectorId}"]`, { timeout })
  const src = await frameElement.evaluate(element => element.src)
  check(new URL(src).host === `cdn.localhost:${port}`, `QuilttButton opened the Connector page from cdn.localhost:${port} (the SDK's cdn host)`)
  const frame = await frameElement.contentFrame()
  const choice = await frame.waitForSelector('button[data-institution]', { timeout })
  const institution = await choice.evaluate(element => element.textContent.trim())
  check(institution.length > 0, `the Connector lists the sandbox's mock institutions (first: ${institution})`)
  await shot('connector')
  await choice.click()
  return institution
}
