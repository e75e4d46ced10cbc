// Minting a Tessera self-signed session token in Node with `jsonwebtoken` (npm install jsonwebtoken).
// Usage: node mint-self-signed.mjs <signing secret id> <signing secret> <profile id or uuid>
// (compat/self-signed/run.sh runs this file against a live server.)
import jwt from 'jsonwebtoken'
import { randomUUID } from 'node:crypto'

const [signingSecretId, signingSecret, userId] = process.argv.slice(2)
const token = jwt.sign({ uid: userId, jti: randomUUID() }, signingSecret, {
  algorithm: 'HS512', // HS256 is accepted too
  keyid: signingSecretId,
  expiresIn: '1h', // at most 24 hours after iat
})
console.log(token)
