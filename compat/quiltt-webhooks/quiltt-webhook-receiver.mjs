// A webhook receiver written for Quiltt, following Quiltt's docs (quiltt.dev/webhooks/setup), in Node 18+ with no
// dependencies. Tessera sends the same headers, so it works unchanged against either.
//
//   Quiltt-Timestamp: Unix epoch seconds; refuse anything older than five minutes (a replay).
//   Quiltt-Signature: base64(HMAC-SHA256(secret, "1" + timestamp + body)); "1" is the version of the scheme.
//
// Verify over the raw body. Receivers that verify over JSON.stringify(req.body) (Express with express.json()) work
// too: the body Tessera sends is exactly what JSON.stringify writes back.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const QUILTT_WEBHOOK_VERSION = 1;
export const QUILTT_WEBHOOK_WINDOW = 300; // five minutes

/** True when the headers prove that `rawBody` comes from the holder of `secret`, within the window. */
export function verifyQuilttWebhook(rawBody, timestamp, signature, secret, now = Math.floor(Date.now() / 1000)) {
  if (typeof timestamp !== 'string' || typeof signature !== 'string' || !/^\d+$/.test(timestamp)) return false;
  if (now - Number(timestamp) > QUILTT_WEBHOOK_WINDOW) return false;
  const expected = createHmac('sha256', secret).update(`${QUILTT_WEBHOOK_VERSION}${timestamp}${rawBody}`).digest('base64');
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A node:http request handler: verifies each POST, then calls `onEvent(event, payload)` for each of its events.
 * Answers 401 to a request it cannot verify (and tells `onRejected`), 200 otherwise.
 */
export function quilttWebhookHandler(secret, { onEvent, onRejected = () => {} }) {
  return (req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const timestamp = req.headers['quiltt-timestamp'];
      const signature = req.headers['quiltt-signature'];
      if (req.method !== 'POST' || !verifyQuilttWebhook(rawBody, timestamp, signature, secret)) {
        onRejected({ rawBody, timestamp, signature });
        res.writeHead(401).end();
        return;
      }
      const payload = JSON.parse(rawBody);
      try {
        for (const event of payload.events) {
          // Decide what to do by type; receivers de-duplicate on event.id (delivery is at least once).
          await onEvent(event, payload, rawBody);
        }
        res.writeHead(200).end();
      } catch (error) {
        console.error('webhook handling failed:', error);
        res.writeHead(500).end(); // retried later
      }
    });
  };
}
