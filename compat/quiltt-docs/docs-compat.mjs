// Runs every operation of Quiltt's documentation (operations/<page-slug>/<NN-name>.graphql) against a live Tessera:
// once as written (no `errors`; data may be null where a documented id does not exist here), and once with the
// documented ids replaced by real ids of the same prefix from a seeded profile, where the response must have the
// documented response's shape. One line per operation, a total, exit 1 on any failure.
//
// Env: TESSERA_URL, API_SECRET (from `tessera init --json`), TESSERA_DB (a label for the output), OPERATIONS (a
// directory, default ./operations), ONLY (a substring of the relative path, to run a subset by hand).
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs'
import { join, relative, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse, Kind } from 'graphql'

const here = dirname(fileURLToPath(import.meta.url))
const base = process.env.TESSERA_URL
const apiSecret = process.env.API_SECRET
const database = process.env.TESSERA_DB ?? 'sqlite'
const root = process.env.OPERATIONS ?? join(here, 'operations')
if (!base || !apiSecret) { console.error('TESSERA_URL and API_SECRET are required'); process.exit(2) }

// Quiltt's id prefixes (Tessera mints the same ones). `achld` before `hld`: the longer prefix is a different kind.
const ID_PATTERN = /\b(achld|acct|conn|txn|bal|hld|sec|stmt|p)_[A-Za-z0-9]{6,}\b/g

async function post(path, body, authorization) {
  const response = await fetch(base + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: authorization },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  })
  const text = await response.text()
  try { return { status: response.status, body: JSON.parse(text) } } catch { return { status: response.status, body: text } }
}

// ---- seed: a profile with a session token and a SANDBOX mock bank
const session = await post('/v1/users/sessions', { email: `docs-${Date.now()}@example.com` }, `Bearer ${apiSecret}`)
if (session.status !== 201) { console.error('could not issue a session:', session.status, session.body); process.exit(1) }
const auth = `Bearer ${session.body.token}`
const graphql = (query, variables) => post('/v1/graphql', { query, variables }, auth)
const mock = await graphql('mutation { connectorMockInitialize { success record { id } errors { message } } }')
if (!mock.body?.data?.connectorMockInitialize?.success) { console.error('connectorMockInitialize failed:', JSON.stringify(mock.body)); process.exit(1) }

// ---- real ids by prefix: probes the seeded data; a probe the schema does not answer (yet) is skipped.
const probes = [
  '{ profile { id } }',
  '{ connections { id accounts { id } } }',
  '{ accounts { id } }',
  '{ accounts { id balance { id } } }',
  '{ accounts { id balances { id } } }',
  '{ transactions(first: 10) { nodes { id } } }',
  '{ holdings { nodes { id security { id } } } }',
  '{ accounts { id holdings { id security { id } } } }',
  '{ statements { nodes { id } } }',
  '{ accounts { id statements { id } } }',
  '{ accounts { id accountHolders { id } } }',
  '{ accounts { id remoteData { accountHolders { id } } } }',
]
const realIds = new Map()
function collectIds(value) {
  if (typeof value === 'string') {
    const match = /^(achld|acct|conn|txn|bal|hld|sec|stmt|p)_[A-Za-z0-9]+$/.exec(value)
    if (match) {
      const list = realIds.get(match[1]) ?? []
      if (!list.includes(value)) list.push(value)
      realIds.set(match[1], list)
    }
  } else if (Array.isArray(value)) value.forEach(collectIds)
  else if (value && typeof value === 'object') Object.values(value).forEach(collectIds)
}
for (const probe of probes) {
  const answer = await graphql(probe)
  if (answer.body?.data) collectIds(answer.body.data)
}

/** Distinct documented ids of one prefix map to distinct real ids, in order of appearance (wrapping round). */
function withRealIds(text, mapping) {
  return text.replace(ID_PATTERN, (documented, prefix) => {
    if (!mapping.has(documented)) {
      const pool = realIds.get(prefix) ?? []
      const used = [...mapping.keys()].filter(k => k.startsWith(prefix + '_')).length
      mapping.set(documented, pool.length ? pool[used % pool.length] : documented)
    }
    return mapping.get(documented)
  })
}

// ---- the operations
function walk(directory) {
  return readdirSync(directory).sort().flatMap(name => {
    const path = join(directory, name)
    return statSync(path).isDirectory() ? walk(path) : name.endsWith('.graphql') ? [path] : []
  })
}
const operations = walk(root)
  .filter(path => !process.env.ONLY || relative(root, path).includes(process.env.ONLY))
  .map(path => {
    const text = readFileSync(path, 'utf8')
    const stem = path.slice(0, -'.graphql'.length)
    const read = suffix => existsSync(stem + suffix) ? readFileSync(stem + suffix, 'utf8') : null
    const source = /^#\s*source:\s*(\S+)/.exec(text)?.[1] ?? '(no source line)'
    let document = null
    try { document = parse(text) } catch { /* reported when run */ }
    const isMutation = document?.definitions.some(d => d.kind === Kind.OPERATION_DEFINITION && d.operation === 'mutation') ?? false
    return { name: relative(root, stem), path, text, source, document, isMutation, variables: read('.variables.json'), response: read('.response.json') }
  })
// Queries first: a documented mutation (a disconnect, say) must not change what a later query of the list sees.
operations.sort((a, b) => Number(a.isMutation) - Number(b.isMutation))

// ---- response shape: every documented key present, types agree where both are non-null, lists element by element.
function fieldsOf(selectionSet, fragments) {
  const fields = new Map()
  const add = set => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value
        fields.set(key, [...(fields.get(key) ?? []), selection])
      } else if (selection.kind === Kind.INLINE_FRAGMENT) add(selection.selectionSet)
      else if (selection.kind === Kind.FRAGMENT_SPREAD && fragments.has(selection.name.value)) add(fragments.get(selection.name.value).selectionSet)
    }
  }
  add(selectionSet)
  return fields
}
const kindOf = value => value === null ? 'null' : Array.isArray(value) ? 'list' : typeof value

/**
 * `selection` is the field nodes asking for this value (null for the operation's root). A field without a selection
 * set is a leaf: its value is compared by type only, so JSON scalars (metadata, remote data) may hold other keys.
 */
function compareShape(documented, actual, fieldNodes, fragments, path, problems) {
  if (documented === null || documented === undefined || actual === null) return
  const leaf = fieldNodes !== null && fieldNodes.every(node => !node.selectionSet)
  if (kindOf(documented) !== kindOf(actual)) { problems.push(`${path}: documented ${kindOf(documented)}, got ${kindOf(actual)}`); return }
  if (leaf) return
  if (Array.isArray(documented)) {
    const template = documented.find(element => element !== null)
    if (template !== undefined) actual.forEach((element, i) => compareShape(template, element, fieldNodes, fragments, `${path}[${i}]`, problems))
    return
  }
  if (typeof documented !== 'object') return
  const selection = { kind: Kind.SELECTION_SET, selections: fieldNodes === null ? [] : fieldNodes.flatMap(node => node.selectionSet?.selections ?? []) }
  const fields = fieldNodes === null ? null : fieldsOf(selection, fragments)
  for (const [key, value] of Object.entries(documented)) {
    if (!(key in actual)) { problems.push(`${path}.${key}: documented, missing`); continue }
    compareShape(value, actual[key], fields?.get(key) ?? [], fragments, `${path}.${key}`, problems)
  }
}

function checkShape(operation, actualData) {
  const documented = JSON.parse(operation.response)
  const fragments = new Map(operation.document.definitions.filter(d => d.kind === Kind.FRAGMENT_DEFINITION).map(d => [d.name.value, d]))
  const definition = operation.document.definitions.find(d => d.kind === Kind.OPERATION_DEFINITION)
  const problems = []
  if (documented.data === undefined || documented.data === null) return problems
  if (actualData === null || actualData === undefined) return ['data: documented, got null']
  const fields = fieldsOf(definition.selectionSet, fragments)
  for (const [key, value] of Object.entries(documented.data)) {
    if (!(key in actualData)) { problems.push(`data.${key}: documented, missing`); continue }
    // With real ids a root field documented with a value must have one (below the root, null is a nullable field).
    if (value !== null && actualData[key] === null) { problems.push(`data.${key}: documented ${kindOf(value)}, got null`); continue }
    compareShape(value, actualData[key], fields.get(key) ?? [], fragments, `data.${key}`, problems)
  }
  return problems
}

const errorsOf = body => typeof body !== 'object' ? [String(body).slice(0, 200)] : (body.errors ?? []).map(e => e.message)

async function run(operation) {
  if (!operation.document) return ['does not parse']
  let variables = null
  if (operation.variables) {
    try { variables = JSON.parse(operation.variables) } catch { return ['variables file is not JSON'] }
  }
  if (operation.response) {
    try { JSON.parse(operation.response) } catch { return ['response file is not JSON'] }
  }
  // 1. As written: documented ids do not exist here, so data may be null, but nothing may be an error.
  const asWritten = await graphql(operation.text, variables)
  const problems = errorsOf(asWritten.body).map(message => `as written: ${message}`)
  if (problems.length) return problems
  // 2. With real ids: the documented response's shape.
  const mapping = new Map()
  const text = withRealIds(operation.text, mapping)
  const realVariables = variables === null ? null : JSON.parse(withRealIds(JSON.stringify(variables), mapping))
  const withIds = await graphql(text, realVariables)
  const errors = errorsOf(withIds.body).map(message => `with real ids: ${message}`)
  if (errors.length) return errors
  return operation.response ? checkShape(operation, withIds.body.data).map(problem => `with real ids: ${problem}`) : []
}

let passed = 0
let failed = 0
const width = Math.max(0, ...operations.map(o => o.name.length))
for (const operation of operations) {
  let problems
  try { problems = await run(operation) } catch (error) { problems = [`runner: ${error.message}`] }
  if (problems.length === 0) { passed++; console.log(`PASS  ${database.padEnd(8)} ${operation.name.padEnd(width)}  ${operation.source}`) }
  else {
    failed++
    console.log(`FAIL  ${database.padEnd(8)} ${operation.name.padEnd(width)}  ${operation.source}`)
    for (const problem of problems.slice(0, 5)) console.log(`        ${problem}`)
  }
}
console.log(`${database}: ${passed} passed, ${failed} failed (${operations.length} operations)`)
process.exit(failed === 0 && operations.length > 0 ? 0 : 1)
