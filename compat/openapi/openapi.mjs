// Checks a live Tessera's OpenAPI document and its API reference page:
// 1. /openapi/v1.json validates against the OpenAPI schema of its version, and every $ref resolves;
// 2. every operation is complete: operationId, summary, tag, a success response, a 500 with the error body, a
//    security requirement (or an explicit `security: []`), a request body for POST/PUT/PATCH that read one;
// 3. what the server answers matches it: every operation that requires a credential answers 401 with the error body
//    without one, and with the API key, every GET/DELETE of a path with ids answers a documented status;
// 4. the reference page at /docs renders the operations in headless Chromium with every request that does not go to
//    this server refused (bundled: no CDN, no fonts, no telemetry). A screenshot is saved.
// Env: TESSERA_URL, API_SECRET, SCREENSHOT (path), CHROMIUM (default: Debian's /usr/bin/chromium; no download).
import { Validator } from '@seriousme/openapi-schema-validator'
import puppeteer from 'puppeteer-core'

const base = process.env.TESSERA_URL
const secret = process.env.API_SECRET
const screenshot = process.env.SCREENSHOT ?? 'docs.png'
const problems = []
const problem = message => problems.push(message)
const fail = message => { console.error(`FAIL: ${message}`); process.exit(1) }

const response = await fetch(`${base}/openapi/v1.json`)
if (response.status !== 200) fail(`GET /openapi/v1.json answered ${response.status}`)
const document = await response.json()

// 1. The schema of its version, and references.
const validator = new Validator()
const validation = await validator.validate(structuredClone(document))
if (!validation.valid) fail(`not a valid OpenAPI ${document.openapi} document: ${JSON.stringify(validation.errors, null, 1).slice(0, 3000)}`)
try { validator.resolveRefs() } catch (error) { fail(`a $ref does not resolve: ${error.message}`) }
const refs = JSON.stringify(document).matchAll(/"\$ref":"#\/components\/([^/]+)\/([^"]+)"/g)
for (const [, kind, name] of refs) if (!document.components?.[kind]?.[name]) problem(`$ref to missing #/components/${kind}/${name}`)

// 2. Completeness, operation by operation.
const schemes = Object.keys(document.components?.securitySchemes ?? {})
for (const name of ['apiKey', 'sessionToken']) if (!schemes.includes(name)) problem(`no security scheme ${name}`)
const errorRef = '#/components/schemas/ApiError'
const operations = []
const operationIds = new Set()
for (const [path, item] of Object.entries(document.paths)) {
  for (const [method, operation] of Object.entries(item)) {
    if (!['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue
    const name = `${method.toUpperCase()} ${path}`
    operations.push({ name, path, method, operation })
    if (!operation.operationId) problem(`${name}: no operationId`)
    else if (operationIds.has(operation.operationId)) problem(`${name}: operationId ${operation.operationId} is not unique`)
    operationIds.add(operation.operationId)
    if (!operation.summary) problem(`${name}: no summary`)
    if (!operation.tags?.length) problem(`${name}: no tag`)
    const statuses = Object.keys(operation.responses ?? {})
    if (!statuses.some(s => s.startsWith('2'))) problem(`${name}: no success response`)
    if (operation.responses?.['500']?.content?.['application/json']?.schema?.$ref !== errorRef) problem(`${name}: no 500 with the error body`)
    for (const status of statuses.filter(s => s.startsWith('4'))) {
      const content = operation.responses[status].content ?? {}
      if (!Object.values(content).some(media => media.schema)) problem(`${name}: ${status} has no body schema`)
    }
    if (!Array.isArray(operation.security)) problem(`${name}: no security requirement (not even security: [])`)
    for (const requirement of operation.security ?? [])
      for (const scheme of Object.keys(requirement)) if (!schemes.includes(scheme)) problem(`${name}: unknown security scheme ${scheme}`)
    if (operation.security?.length) {
      if (!operation.responses?.['401']) problem(`${name}: takes a credential but documents no 401`)
      if (!operation.responses?.['429']?.headers?.['Retry-After']) problem(`${name}: takes a credential but documents no 429 with Retry-After`)
    }
    if (operation.responses?.['422'] && !operation.responses['422'].content?.['application/json']?.schema) problem(`${name}: 422 without a schema`)
  }
}
if (operations.length < 20) problem(`only ${operations.length} operations documented`)

// 3. The live server agrees.
const call = (method, path, headers = {}) => fetch(base + path, { method, headers: { Accept: 'application/json', ...headers } })
const concrete = path => path.replace(/\{[^}]+\}/g, 'p_doesnotexist')
for (const { name, path, method, operation } of operations) {
  if (!operation.security?.length) continue
  const answer = await call(method.toUpperCase(), concrete(path), method === 'get' || method === 'delete' ? {} : { 'Content-Type': 'application/json' })
  const body = await answer.json().catch(() => null)
  if (answer.status !== 401) problem(`${name} without a credential answered ${answer.status}, not 401`)
  else if (typeof body?.message !== 'string' || typeof body?.instruction !== 'string') problem(`${name}: the 401 body is not the error body: ${JSON.stringify(body)}`)
}
for (const { name, path, method, operation } of operations) {
  const apiKey = (operation.security ?? []).some(requirement => 'apiKey' in requirement)
  if (!apiKey || !path.includes('{') || !['get', 'delete'].includes(method)) continue
  const answer = await call(method.toUpperCase(), concrete(path), { Authorization: `Bearer ${secret}` })
  if (!(String(answer.status) in operation.responses)) problem(`${name} answered ${answer.status}, which it does not document`)
}
if (problems.length) fail(`the OpenAPI document is incomplete:\n  ${problems.join('\n  ')}`)
console.log(`PASS: /openapi/v1.json is valid OpenAPI ${document.openapi}, ${operations.length} operations complete, live answers documented`)

// 4. The reference page, offline but for this server.
const origin = new URL(base).origin
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
})
try {
  const page = await browser.newPage()
  await page.setViewport({ width: 1280, height: 900 })
  const pageErrors = []
  const refused = []
  page.on('pageerror', error => pageErrors.push(error.message))
  // The page is served with a Content-Security-Policy: anything it refuses is logged as a console error.
  page.on('console', message => { if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageErrors.push(message.text()) })
  await page.setRequestInterception(true)
  page.on('request', request => {
    const url = request.url()
    if (url.startsWith(origin + '/') || url.startsWith('data:') || url.startsWith('blob:')) request.continue()
    else { refused.push(url); request.abort() }
  })
  const answer = await page.goto(`${base}/docs`, { waitUntil: 'networkidle0', timeout: 60_000 })
  if (answer.status() !== 200) fail(`GET /docs answered ${answer.status()}`)
  // The sidebar and the sections name the operations by their summary.
  const summaries = operations.map(o => o.operation.summary)
  await page.waitForFunction(first => document.body.innerText.includes(first), { timeout: 60_000 }, summaries[0])
    .catch(() => fail(`the page never showed "${summaries[0]}"`))
  const text = await page.evaluate(() => document.body.innerText)
  const missing = summaries.filter(summary => !text.includes(summary))
  await page.screenshot({ path: screenshot })
  if (refused.length) fail(`the page tried to load from elsewhere: ${[...new Set(refused)].join(', ')}`)
  if (pageErrors.length) fail(`page errors: ${pageErrors.join('; ')}`)
  if (missing.length > 0) fail(`the page does not show ${missing.length} of ${summaries.length} operations, e.g. "${missing[0]}"`)
  console.log(`PASS: /docs shows all ${summaries.length} operations with nothing loaded from elsewhere; screenshot ${screenshot}`)
} finally {
  await browser.close()
}
