// Minting a Tessera self-signed session token with your own private key, in Node with `jose` (npm install jose).
// Register the public key once: openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt > private.pem
//   openssl pkey -in private.pem -pubout > public.pem; tessera signing-secrets create --environment ENV --public-key public.pem
// Usage: node mint-self-signed-public-key.mjs <signing secret id> <private.pem> <profile id or uuid> [ES256|RS256]
// (compat/jwks/run.sh runs this file against a live server.) Tessera never sees the private key.
import { SignJWT, importPKCS8 } from 'jose'
import { readFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'

const [signingSecretId, privateKeyFile, userId, alg = 'ES256'] = process.argv.slice(2)
const privateKey = await importPKCS8(readFileSync(privateKeyFile, 'utf8'), alg)
const token = await new SignJWT({ uid: userId })
  .setProtectedHeader({ alg, typ: 'JWT', kid: signingSecretId })
  .setIssuedAt()
  .setExpirationTime('1h') // at most 24 hours after iat
  .setJti(randomUUID()) // lets DELETE /v1/users/session revoke this one token
  .sign(privateKey)
console.log(token)
