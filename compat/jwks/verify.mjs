// A customer's backend verifying Tessera's ES256 tokens with jose, as the README shows: the environment's issuer,
// its discovery document, createRemoteJWKSet on the jwks_uri it names, jwtVerify with issuer and audience.
// Env: ISSUER, AUDIENCE, TOKEN (valid), OTHER_TOKEN (another environment), HS512_TOKEN, ROTATED_TOKEN (optional).
import { createRemoteJWKSet, jwtVerify, decodeProtectedHeader } from 'jose'
import assert from 'node:assert/strict'

const { ISSUER: issuer, AUDIENCE: audience, TOKEN: token, OTHER_TOKEN: other, HS512_TOKEN: hs512, ROTATED_TOKEN: rotated } = process.env
let passed = 0
async function check(name, fn) {
  try { await fn(); passed++; console.log(`ok - ${name}`) } catch (e) { console.log(`FAIL - ${name}: ${e.stack}`); process.exit(1) }
}

const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()
const JWKS = createRemoteJWKSet(new URL(discovery.jwks_uri))
const verify = (t, options = {}) => jwtVerify(t, JWKS, { issuer, audience, algorithms: ['ES256'], ...options })
const refused = async (t, options) => { await assert.rejects(verify(t, options)) }

await check('the discovery document names the issuer and its JWKS', async () => {
  assert.equal(discovery.issuer, issuer)
  assert.equal(discovery.jwks_uri, `${issuer}/.well-known/jwks.json`)
})
await check('a token of the environment is accepted', async () => {
  const { payload, protectedHeader } = await verify(token)
  assert.equal(protectedHeader.alg, 'ES256')
  assert.ok(payload.sub.startsWith('p_'))
  assert.equal(payload.iss, issuer)
})
await check('a tampered token is refused', async () => {
  const [h, p, s] = token.split('.')
  const claims = JSON.parse(Buffer.from(p, 'base64url'))
  claims.sub = 'p_someoneelse'
  await refused(`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`)
  const sig = Buffer.from(s, 'base64url'); sig[5] ^= 1
  await refused(`${h}.${p}.${sig.toString('base64url')}`)
})
await check('an expired token is refused (verified as of an hour past its exp)', async () => {
  const { payload } = await verify(token)
  await refused(token, { currentDate: new Date((payload.exp + 3600) * 1000) })
})
await check('a token of another environment is refused', async () => { await refused(other) })
await check('an HS512 token is refused (no HS512 key is ever published)', async () => {
  assert.equal(decodeProtectedHeader(hs512).alg, 'HS512')
  await refused(hs512)
  await refused(hs512, { algorithms: ['HS512', 'ES256'] })
})
if (rotated) {
  await check('after a rotation the JWKS holds both keys: the old token and the new one are accepted', async () => {
    assert.notEqual(decodeProtectedHeader(rotated).kid, decodeProtectedHeader(token).kid)
    await verify(rotated)
    await verify(token)
  })
}
console.log(`jwks: ${passed} checks passed`)
