// Opens GraphiQL served by a live Tessera in headless Chromium, answers the page's session-token prompt the way a
// user would, runs a query from the editor and waits for its data in the response pane; saves a screenshot.
// Env: TESSERA_URL, API_SECRET, SCREENSHOT (path), CHROMIUM (default: Debian's /usr/bin/chromium; no download).
import puppeteer from 'puppeteer-core'

const base = process.env.TESSERA_URL
const screenshot = process.env.SCREENSHOT ?? 'graphiql.png'
const fail = message => { console.error(`FAIL: ${message}`); process.exit(1) }
const post = async (path, body, authorization) => {
  const response = await fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: authorization }, body: JSON.stringify(body) })
  return { status: response.status, body: await response.json() }
}

// A profile with a session token and a SANDBOX mock bank, so the query has data to show.
const session = await post('/v1/users/sessions', { email: 'ada@example.com' }, `Bearer ${process.env.API_SECRET}`)
if (session.status !== 201) fail(`could not issue a session: ${session.status}`)
const token = session.body.token
const mock = await post('/v1/graphql', { query: 'mutation { connectorMockInitialize { success } }' }, `Bearer ${token}`)
if (!mock.body.data?.connectorMockInitialize?.success) fail(`connectorMockInitialize: ${JSON.stringify(mock.body)}`)

const query = `query Overview {
  profile { id email }
  accounts { name balance { current available } }
  transactions(first: 3) { nodes { date description amount entryType } }
}`

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
})
try {
  const page = await browser.newPage()
  await page.setViewport({ width: 1280, height: 800 })
  const pageErrors = []
  page.on('pageerror', error => pageErrors.push(error.message))
  // The page asks for the session token with a prompt: answer it like a user pasting theirs.
  let prompted = false
  page.on('dialog', async dialog => {
    if (dialog.type() === 'prompt') { prompted = true; await dialog.accept(token) } else await dialog.dismiss()
  })
  const response = await page.goto(`${base}/v1/graphql`, { waitUntil: 'networkidle0', timeout: 60_000 })
  if (response.status() !== 200) fail(`GET /v1/graphql answered ${response.status()}: ${(await response.text()).slice(0, 200)}`)
  if (!prompted) fail('the page did not ask for a session token')
  await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 60_000 })

  // Type the query into the editor (CodeMirror's own API: keystrokes would be re-indented and auto-closed) and run it.
  await page.evaluate(text => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(text), query)
  await page.click('.graphiql-execute-button')
  const result = await page.waitForFunction(() => {
    const editor = document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror
    const text = editor?.getValue() ?? ''
    return text.includes('"data"') || text.includes('"errors"') ? text : false
  }, { timeout: 60_000 }).then(handle => handle.jsonValue())

  const body = JSON.parse(result)
  if (body.errors) fail(`the query answered errors: ${JSON.stringify(body.errors)}`)
  if (!body.data?.profile?.id?.startsWith('p_')) fail(`no profile in ${result.slice(0, 300)}`)
  if (!(body.data.transactions?.nodes?.length > 0)) fail(`no transactions in ${result.slice(0, 300)}`)
  await page.screenshot({ path: screenshot })
  if (pageErrors.length) fail(`page errors: ${pageErrors.join('; ')}`)
  console.log(`PASS: GraphiQL ran the query for ${body.data.profile.id} (${body.data.accounts.length} accounts, ${body.data.transactions.nodes.length} transactions); screenshot ${screenshot}`)
} finally {
  await browser.close()
}
