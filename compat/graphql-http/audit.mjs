// The graphql-http server audit suite (GraphQL over HTTP conformance) against a live Tessera /v1/graphql,
// with a session token on every request. Every MUST audit has to pass; SHOULD/MAY audits that warn are listed.
import { serverAudits } from 'graphql-http'

const url = `${process.env.TESSERA_URL}/v1/graphql`
const token = process.env.SESSION_TOKEN
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers)
  headers.set('Authorization', `Bearer ${token}`)
  return fetch(input, { ...init, headers })
}

let ok = 0
const warnings = []
const errors = []
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn()
  if (result.status === 'ok') ok++
  else if (result.status === 'warn') warnings.push(`${audit.name}: ${result.reason}`)
  else errors.push(`${audit.name}: ${result.reason}`)
}
for (const warning of warnings) console.log(`warn - ${warning}`)
for (const error of errors) console.log(`FAIL - ${error}`)
console.log(`graphql-http: ${ok} ok, ${warnings.length} warnings, ${errors.length} errors`)
process.exit(errors.length === 0 ? 0 : 1)
