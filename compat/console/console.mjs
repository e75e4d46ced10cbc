// Drives the operator console of a live Tessera in headless Chromium as an operator would: opens it with a sign-in
// link, creates an API key, finds a profile and revokes its sessions, replays a webhook delivery, and checks each
// result through the public API. Saves a screenshot of each page.
// Env: TESSERA_URL, API_SECRET, ENVIRONMENT_ID, CONSOLE_LINK, SCREENSHOTS (directory), CHROMIUM (default /usr/bin/chromium).
import http from 'node:http'
import puppeteer from 'puppeteer-core'

const base = process.env.TESSERA_URL
const env = process.env.ENVIRONMENT_ID
const shots = process.env.SCREENSHOTS ?? '.'
const fail = message => { console.error(`FAIL: ${message}`); process.exit(1) }
const api = async (method, path, { body, bearer = process.env.API_SECRET } = {}) => {
  const response = await fetch(base + path, {
    method, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bearer}` }, body: body && JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}
// Bounded polling: ends by itself, never waits on a fixed sleep to assert.
const until = async (what, check, tries = 100) => {
  for (let i = 0; i < tries; i++) {
    const value = await check()
    if (value) return value
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  fail(`timed out waiting for ${what}`)
}

// A webhook receiver on loopback that accepts everything.
const received = []
const receiver = http.createServer((request, response) => {
  let body = ''
  request.on('data', chunk => { body += chunk })
  request.on('end', () => { received.push(body); response.writeHead(200).end() })
})
await new Promise(resolve => receiver.listen(0, '127.0.0.1', resolve))
const subscription = await api('POST', '/v1/webhooks/subscriptions', {
  body: { name: 'console suite', targetUrl: `http://127.0.0.1:${receiver.address().port}/hook`, eventTypes: ['profile'] },
})
if (subscription.status !== 201) fail(`could not subscribe: ${subscription.status} ${JSON.stringify(subscription.body)}`)

// A profile with two sessions (its creation is the event the webhook delivers).
const email = `grace-${Date.now()}@example.com`
const first = await api('POST', '/v1/users/sessions', { body: { email } })
if (first.status !== 201) fail(`could not issue a session: ${first.status}`)
const second = await api('POST', '/v1/users/sessions', { body: { userId: first.body.userId } })
const tokens = [first.body.token, second.body.token]
for (const token of tokens) if ((await api('GET', '/v1/users/session', { bearer: token })).status !== 200) fail('a fresh session does not verify')

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
})
try {
  const page = await browser.newPage()
  await page.setViewport({ width: 1280, height: 860 })
  const problems = []
  page.on('pageerror', error => problems.push(`page error: ${error.message}`))
  // CSP violations are console errors; failed loads are checked by their response instead (the browser's own
  // /favicon.ico request is the one 404 expected: the console has no icon).
  page.on('console', message => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`)
  })
  page.on('response', response => {
    const url = new URL(response.url())
    if (response.status() >= 400 && url.pathname !== '/favicon.ico' && url.pathname.startsWith('/console')) problems.push(`${response.status()} for ${url.pathname}`)
  })
  const shot = name => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true })
  const go = async path => {
    const response = await page.goto(base + path, { waitUntil: 'load' })
    if (response.status() !== 200) fail(`GET ${path} answered ${response.status()}`)
  }
  const submit = async selector => Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)])

  // 1. Open with the link: its page has a button; pressing it starts the session and lands on the overview.
  await page.goto(process.env.CONSOLE_LINK, { waitUntil: 'load' })
  await shot('sign-in')
  await submit('main form button[type=submit]')
  if (!page.url().endsWith('/console')) fail(`opening the link landed on ${page.url()}`)
  if (!(await page.content()).includes('Overview')) fail('no overview after opening the link')
  // The requests this instance answered so far (the link's page among them) are on the hourly chart.
  const totals = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('figure.chart figcaption')]
    .map(c => [c.firstChild.textContent.trim(), c.querySelector('.total')?.textContent ?? ''])))
  for (const chart of ['Requests (this instance)', 'p99 latency, ms (this instance)'])
    if (!(chart in totals)) fail(`no "${chart}" chart on the overview: ${JSON.stringify(totals)}`)
  if (!/^[1-9][\d,]* in 24 h$/.test(totals['Requests (this instance)'])) fail(`the requests chart counts nothing: ${JSON.stringify(totals)}`)
  const cookies = await browser.cookies()
  const cookie = cookies.find(c => c.name === 'tessera_console')
  if (!cookie?.httpOnly || cookie.sameSite !== 'Strict') fail(`the console cookie is not HttpOnly + SameSite=Strict: ${JSON.stringify(cookie)}`)
  await shot('overview')

  // 2. Create an API key; the secret is shown once, and it works against the API.
  await go(`/console/env/${env}/api-keys`)
  await page.type('#key-name', 'made in the console')
  await submit('form[action$="/api-keys"] button[type=submit]')
  const secret = await page.$eval('#new-secret', input => input.value)
  if (!secret.startsWith('tsk_')) fail(`no secret shown: ${secret}`)
  const introspected = await api('POST', '/v1/introspect/api_key', { bearer: secret })
  if (introspected.status !== 200) fail(`the console's new key does not authenticate: ${introspected.status}`)
  await shot('api-keys')
  await go(`/console/env/${env}/api-keys`)
  if ((await page.content()).includes(secret)) fail('the secret is shown again after creation')

  // 3. Find the profile by email, open it, revoke all its sessions; the API then refuses both tokens.
  await go(`/console/env/${env}/profiles`)
  await page.type('#q', email)
  await submit('form.search button')
  await submit(`a[href$="/profiles/${first.body.userId}"]`)
  if (!(await page.content()).includes('Live sessions (2)')) fail('the profile page does not list its two sessions')
  await shot('profile')
  await submit('form[action$="/sessions/revoke-all"] button')
  for (const token of tokens) {
    const status = (await api('GET', '/v1/users/session', { bearer: token })).status
    if (status !== 401) fail(`a revoked session still answers ${status}`)
  }
  await go(`/console/env/${env}/profiles`)
  await shot('profiles')

  // 4. Replay the webhook delivery once it has succeeded; the API lists the replay, the receiver gets the event again.
  const subscriptionId = subscription.body.id
  const delivered = await until('the first webhook delivery', async () => {
    const list = (await api('GET', `/v1/webhooks/subscriptions/${subscriptionId}/deliveries`)).body.deliveries
    return list.find(d => d.status === 'succeeded')
  })
  await go(`/console/env/${env}/webhooks/${subscriptionId}`)
  await shot('webhook')
  await submit(`form[action$="/deliveries/${delivered.id}/replay"] button`)
  await until('the replayed delivery', async () => {
    const list = (await api('GET', `/v1/webhooks/subscriptions/${subscriptionId}/deliveries`)).body.deliveries
    return list.find(d => d.replayOf === delivered.id && d.status === 'succeeded')
  })
  const before = received.length
  if (before < 2) fail(`the receiver got ${before} deliveries, expected the original and the replay`)

  // 5. Every other page renders; a screenshot of each for docs/console.
  for (const [name, path] of [['environments', '/console/environments'], ['clients', `/console/env/${env}/clients`],
    ['signing-secrets', `/console/env/${env}/signing-secrets`], ['outbox', `/console/env/${env}/outbox`],
    ['webhooks', `/console/env/${env}/webhooks`], ['audit', `/console/env/${env}/audit`]]) {
    await go(path)
    await shot(name)
  }
  const audit = await page.content()
  if (!audit.includes('console:ci')) fail('the audit log does not name the operator')

  if (problems.length) fail(problems.join('\n'))

  // 6. Sign out: the page after is the signed-out one, and the console no longer opens.
  await submit('header form button')
  const after = await page.goto(`${base}/console`, { waitUntil: 'load' })
  if (after.status() !== 401) fail(`after signing out /console answered ${after.status()}`)
  console.log(`console: opened with a link, API key created, profile's sessions revoked, webhook replayed, every page shown; screenshots in ${shots}`)
} finally {
  await browser.close()
  receiver.close()
}
