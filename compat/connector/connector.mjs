// Tessera's Connector in headless Chromium, driven the way @quiltt/react drives it: a host page on another origin
// appends <script src="cdn.<domain>/v1/connector.js?agent=…" async> and calls Quiltt.authenticate/connect/open.
// QUILTT_API_DOMAIN is `localhost:<port>` here: cdn.localhost and api.localhost are the same Tessera (Chromium
// resolves *.localhost to loopback). Two flows: SANDBOX in a modal (QuilttButton), where the user picks the mock bank
// and the app sees `exited.successful` with a connection that GraphQL then has; PRODUCTION inline (QuilttContainer),
// which must show that no aggregator is configured and send `exited.errored`.
// Env: TESSERA_URL, SANDBOX_TOKEN, SANDBOX_CONNECTOR, PRODUCTION_TOKEN, PRODUCTION_CONNECTOR, HOST_PORT, ARTIFACTS, CHROMIUM.
import http from 'node:http'
import puppeteer from 'puppeteer-core'

const env = name => process.env[name] ?? (() => { throw new Error(`${name} is not set`) })()
const base = env('TESSERA_URL')
const port = new URL(base).port
const cdn = `http://cdn.localhost:${port}`
const artifacts = env('ARTIFACTS')
const fail = message => { console.error(`FAIL: ${message}`); process.exit(1) }
const deadline = { timeout: 20_000 }

// The host app: an empty page; everything it does comes from the test, as an app's code would.
const host = http.createServer((request, response) => {
  if (request.url !== '/') { response.writeHead(404).end(); return }
  response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
  response.end('<!doctype html><html><head><title>Host app</title><link rel="icon" href="data:,"></head><body><h1>Host app</h1></body></html>')
})
await new Promise(resolve => host.listen(Number(env('HOST_PORT')), '127.0.0.1', resolve))
const hostUrl = `http://localhost:${env('HOST_PORT')}/`

// As useScript does: an async script element appended to the body, `agent` as getSDKAgent formats it.
const loadConnector = src => new Promise((resolve, reject) => {
  const script = document.createElement('script')
  script.src = src
  script.async = true
  script.addEventListener('load', resolve)
  script.addEventListener('error', () => reject(new Error('connector.js did not load')))
  document.body.appendChild(script)
})
const scriptUrl = `${cdn}/v1/connector.js?agent=${encodeURIComponent('Quiltt/6.1.0 (React/19.0.0; Chrome/140)')}`

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
})

async function openHost() {
  const page = await browser.newPage()
  await page.setViewport({ width: 1000, height: 760 })
  const errors = []
  page.on('pageerror', error => errors.push(error.message))
  page.on('console', message => { if (message.type() === 'error') errors.push(message.text()) })
  page.on('response', response => { if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`) })
  await page.goto(hostUrl, { waitUntil: 'load' })
  await page.evaluate(loadConnector, scriptUrl)
  if (!(await page.evaluate(() => typeof window.Quiltt?.connect === 'function'))) fail('connector.js did not define window.Quiltt')
  return { page, errors }
}

async function connectorFrame(page) {
  const element = await page.waitForSelector('iframe[data-quiltt-connector]', deadline)
  const src = await element.evaluate(iframe => iframe.src)
  if (new URL(src).searchParams.get('origin') !== new URL(hostUrl).origin) fail(`the frame was opened for another origin: ${src}`)
  if (src.includes(env('SANDBOX_TOKEN')) || src.includes(env('PRODUCTION_TOKEN'))) fail('the session token is in the frame URL')
  const frame = await element.contentFrame()
  await frame.waitForSelector('main', deadline)
  return frame
}

const events = page => page.evaluate(() => window.connectorEvents)

try {
  // SANDBOX, in a modal, as QuilttButton opens it.
  {
    const { page, errors } = await openHost()
    await page.evaluate((token, connectorId) => {
      window.connectorEvents = []
      window.Quiltt.authenticate(token)
      const connector = window.Quiltt.connect(connectorId, {})
      connector.onEvent((type, metadata) => window.connectorEvents.push({ type, metadata }))
      connector.open()
    }, env('SANDBOX_TOKEN'), env('SANDBOX_CONNECTOR'))
    const frame = await connectorFrame(page)
    await frame.waitForSelector('button[data-institution]', deadline)
    await page.screenshot({ path: `${artifacts}/sandbox-institutions.png` })
    await frame.click('button[data-institution]')
    await page.waitForFunction(() => window.connectorEvents.some(e => e.type.startsWith('exited.')), deadline)
    const seen = await events(page)
    const types = seen.map(e => e.type)
    if (types.join(',') !== 'opened,loaded,exited.successful') fail(`sandbox events: ${JSON.stringify(seen)}`)
    const { connectorId, profileId, connectionId, connectorSession } = seen[2].metadata
    if (connectorId !== env('SANDBOX_CONNECTOR') || !profileId?.startsWith('p_') || !connectionId || !connectorSession?.id) fail(`sandbox metadata: ${JSON.stringify(seen[2].metadata)}`)
    if (await page.$('[data-quiltt-connector-modal]')) fail('the modal stayed open after exited.successful')
    await page.screenshot({ path: `${artifacts}/sandbox-connected.png` })

    // The connection the Connector reported is the profile's, with the mock bank's accounts.
    const response = await fetch(`${base}/v1/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${env('SANDBOX_TOKEN')}` },
      body: JSON.stringify({ query: 'query($id: ID!) { connection(id: $id) { id institution { name } accounts { id } } }', variables: { id: connectionId } }),
    })
    const body = await response.json()
    if (body.data?.connection?.id !== connectionId || !(body.data.connection.accounts.length > 0)) fail(`GraphQL does not have the connection: ${JSON.stringify(body)}`)
    if (errors.length) fail(`page errors: ${errors.join('; ')}`)
    console.log(`PASS: SANDBOX modal connected ${body.data.connection.institution.name} (${connectionId}, ${body.data.connection.accounts.length} accounts) for ${profileId}`)
    await page.close()
  }

  // PRODUCTION, inline, as QuilttContainer renders it (<div quiltt-container="…">).
  {
    const { page } = await openHost()
    await page.evaluate((token, connectorId) => {
      window.connectorEvents = []
      const container = document.createElement('div')
      container.setAttribute('quiltt-container', connectorId)
      container.style.cssText = 'width:420px;height:520px;border:1px solid #ccc'
      document.body.appendChild(container)
      window.Quiltt.onEvent((type, metadata) => window.connectorEvents.push({ type, metadata }))
      window.Quiltt.authenticate(token)
      window.Quiltt.connect(connectorId, {})
    }, env('PRODUCTION_TOKEN'), env('PRODUCTION_CONNECTOR'))
    const frame = await connectorFrame(page)
    await page.waitForFunction(() => window.connectorEvents.some(e => e.type.startsWith('exited.')), deadline)
    const seen = await events(page)
    if (seen.map(e => e.type).join(',') !== 'opened,loaded,exited.errored') fail(`production events: ${JSON.stringify(seen)}`)
    const text = await frame.$eval('main', main => main.textContent)
    if (!text.includes('No aggregator is configured')) fail(`production page says: ${text}`)
    if (await frame.$('button[data-institution]')) fail('production offered an institution')
    await page.screenshot({ path: `${artifacts}/production-errored.png` })
    console.log('PASS: PRODUCTION inline container showed that no aggregator is configured and sent exited.errored')
    await page.close()
  }
} finally {
  await browser.close()
  host.close()
}
