// Verifying a Tessera webhook in Node.js (18+), with nothing but node:crypto.
// Use it in a handler:   if (!verifyWebhook(rawBody, req.headers['tessera-signature'], process.env.TESSERA_WEBHOOK_SECRET)) return res.status(400).end();
// Read the body raw (e.g. express.raw({ type: 'application/json' })): re-serialized JSON would not match the signature.
// Or from a shell:  TESSERA_SIGNATURE='t=…,v1=…' TESSERA_WEBHOOK_SECRET=whsec_… node verify-webhook.mjs < body.json
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TOLERANCE_SECONDS = 5 * 60; // refuse deliveries older than this: a captured request cannot be replayed later

export function verifyWebhook(rawBody, signatureHeader, secret, nowSeconds = Math.floor(Date.now() / 1000)) {
  if (!signatureHeader) return false;
  let timestamp = null;
  const signatures = [];
  for (const part of signatureHeader.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && /^\d+$/.test(value ?? '')) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value ?? '')) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === null || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) return false;

  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest();
  // Constant-time comparison: never let timing reveal how much of a forged signature was right.
  return signatures.some((s) => s.length === expected.length && timingSafeEqual(s, expected));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const body = readFileSync(0, 'utf8');
  const now = process.env.TESSERA_NOW ? Number(process.env.TESSERA_NOW) : undefined; // tests pin the clock
  const ok = verifyWebhook(body, process.env.TESSERA_SIGNATURE, process.env.TESSERA_WEBHOOK_SECRET, now);
  console.log(ok ? 'valid' : 'invalid');
  process.exit(ok ? 0 : 1);
}
