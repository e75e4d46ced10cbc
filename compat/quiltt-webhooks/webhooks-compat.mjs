// Drives a live Tessera with the receiver from Quiltt's docs (quiltt-webhook-receiver.mjs): subscribes it, makes
// events happen (a session for a new profile, the SANDBOX mock bank over /v1/graphql), and checks that every real
// delivery verifies with Quiltt's algorithm and has Quiltt's documented shape. Exits 1 on any failure.
// Everything on 127.0.0.1; every wait bounded.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { quilttWebhookHandler, verifyQuilttWebhook } from './quiltt-webhook-receiver.mjs';

const base = process.env.TESSERA_URL;
const apiSecret = process.env.API_SECRET;
const failures = [];
const fail = (message) => { failures.push(message); console.error('FAIL', message); };
const check = (condition, message) => { if (!condition) fail(message); };

async function api(method, path, { bearer = apiSecret, body } = {}) {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

const keys = (o) => JSON.stringify(Object.keys(o ?? {}));
const isTime = (s) => typeof s === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(s);

// Quiltt's documented payload (quiltt.dev/webhooks/schemas): one environment, eventTypes, events.
function checkShape(payload, rawBody, environmentId) {
  check(JSON.stringify(payload) === rawBody, 'the body is not what JSON.stringify writes back');
  check(keys(payload) === '["environment","eventTypes","events"]', `payload keys ${keys(payload)}`);
  check(keys(payload.environment) === '["id","name","mode","metadata"]', `environment keys ${keys(payload.environment)}`);
  check(payload.environment.id === environmentId && payload.environment.mode === 'SANDBOX', `environment ${JSON.stringify(payload.environment)}`);
  check(Array.isArray(payload.events) && payload.events.length >= 1, 'no events');
  check(JSON.stringify(payload.eventTypes) === JSON.stringify([...new Set(payload.events.map((e) => e.type))]), 'eventTypes do not list the events\' types');
  for (const event of payload.events) {
    check(keys(event) === '["id","at","type","profile","record","metadata"]', `event keys ${keys(event)}`);
    check(/^evt_/.test(event.id) && isTime(event.at), `event id/at ${event.id} ${event.at}`);
    check(keys(event.profile) === '["id","uuid","metadata"]', `profile keys ${keys(event.profile)}`);
    check(typeof event.metadata === 'object' && event.metadata !== null, `${event.type}: metadata is not an object`);
    const record = event.record;
    const expected = {
      profile: '["id","uuid","metadata","email","phone","name","names","dateOfBirth","address","at","createdAt","updatedAt"]',
      connection: '["id","at","provider","features","products","status","metadata","createdAt","updatedAt"]',
      account: '["id","connectionId","at","state","metadata","createdAt","updatedAt"]',
      balance: '["id","accountId","at","source","available","current","limit"]',
      statement: '["id","accountId","at","startOn","endOn","url","metadata","createdAt","updatedAt"]',
    }[event.type.split('.')[0]];
    check(keys(record) === expected, `${event.type}: record keys ${keys(record)}`);
    check(isTime(record.at), `${event.type}: record.at ${record.at}`);
  }
}

const init = JSON.parse(process.env.TESSERA_INIT);
const environmentId = init.environment.id;
let secret = null;
const received = [];
let rejected = 0;
const server = http.createServer((req, res) => {
  quilttWebhookHandler(secret, {
    onEvent: (event, payload, rawBody) => { checkShape(payload, rawBody, environmentId); received.push(event); },
    onRejected: () => { rejected++; },
  })(req, res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const targetUrl = `http://127.0.0.1:${server.address().port}/quiltt_webhook`;

try {
  const subscription = await api('POST', '/v1/webhooks/subscriptions', {
    body: {
      name: 'Quiltt receiver', targetUrl,
      eventTypes: ['profile.created', 'profile.ready', 'connection.created', 'connection.synced.successful', 'account.verified', 'statement.ready'],
    },
  });
  check(subscription.status === 201, `subscribe: ${subscription.status} ${JSON.stringify(subscription.json)}`);
  secret = subscription.json.secret;

  const session = await api('POST', '/v1/users/sessions', { body: { uuid: randomUUID(), metadata: { internalUserId: 'u-42' } } });
  check(session.status === 201, `session: ${session.status}`);
  const profileId = session.json.userId;
  const mock = await api('POST', '/v1/graphql', {
    bearer: session.json.token,
    body: { query: 'mutation { connectorMockInitialize(input: {}) { success record { id } } }' },
  });
  check(mock.json?.data?.connectorMockInitialize?.success === true, `connectorMockInitialize: ${JSON.stringify(mock.json)}`);

  // The mock bank's statements: as many statement.ready as GraphQL lists, each with a PDF link that works.
  const listed = await api('POST', '/v1/graphql', { bearer: session.json.token, body: { query: '{ statements(first: 1) { count } }' } });
  const statements = listed.json?.data?.statements?.count ?? -1;
  check(statements > 0, `statements: ${JSON.stringify(listed.json)}`);
  const accounts = 5; // the mock bank's: three at the bank, two investment accounts, all verified
  const wanted = ['profile.created', 'connection.created', ...Array(accounts).fill('account.verified'),
    ...Array(statements).fill('statement.ready'),
    'connection.synced.successful.initial', 'connection.synced.successful.historical', 'profile.ready'];
  for (let i = 0; i < 600 && received.length < wanted.length; i++) await new Promise((r) => setTimeout(r, 100));
  check(JSON.stringify(received.map((e) => e.type)) === JSON.stringify(wanted), `received ${JSON.stringify(received.map((e) => e.type))}, wanted ${JSON.stringify(wanted)}`);
  const statement = received.find((e) => e.type === 'statement.ready')?.record;
  const pdf = statement?.url ? await fetch(statement.url) : null;
  const pdfBytes = pdf ? Buffer.from(await pdf.arrayBuffer()) : Buffer.alloc(0);
  check(pdf?.status === 200 && pdfBytes.subarray(0, 5).toString() === '%PDF-', `statement PDF ${statement?.url}: ${pdf?.status}`);
  check(received.every((e) => e.profile.id === profileId && e.profile.metadata?.internalUserId === 'u-42'), 'an event names another profile');
  const ready = received.find((e) => e.type === 'profile.ready');
  const connection = received.find((e) => e.type === 'connection.created');
  check(ready?.metadata?.connectionId === connection?.record?.id && /^\d{4}-\d\d-\d\d$/.test(ready?.metadata?.startDate ?? ''),
    `profile.ready metadata ${JSON.stringify(ready?.metadata)}`);
  check(connection?.record?.provider === 'MOCK' && connection?.record?.status === 'SYNCED', `connection record ${JSON.stringify(connection?.record)}`);
  check(rejected === 0, `${rejected} real deliveries failed Quiltt's signature check`);

  // The receiver refuses what it must: a tampered body, and an old timestamp.
  const now = Math.floor(Date.now() / 1000);
  check(!verifyQuilttWebhook('{"events":[]}', String(now), 'AAAA', secret), 'a forged signature verified');
  const forged = await fetch(targetUrl, {
    method: 'POST', body: '{"environment":{},"eventTypes":[],"events":[]}',
    headers: { 'Quiltt-Timestamp': String(now), 'Quiltt-Signature': 'bm90IGEgc2lnbmF0dXJl' },
  });
  check(forged.status === 401 && rejected === 1, `a forged delivery was answered ${forged.status}`);

  // The last answer may still be on its way into the delivery log: look again, a bounded number of times.
  let statuses = [];
  for (let i = 0; i < 50; i++) {
    statuses = (await api('GET', `/v1/webhooks/subscriptions/${subscription.json.id}/deliveries`)).json.deliveries.map((d) => d.status);
    if (statuses.length === wanted.length && statuses.every((s) => s === 'succeeded')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  check(statuses.length === wanted.length && statuses.every((s) => s === 'succeeded'), `deliveries ${JSON.stringify(statuses)}`);
} catch (error) {
  fail(error.stack ?? String(error));
} finally {
  server.close();
}

if (failures.length) { console.error(`${failures.length} check(s) failed`); process.exit(1); }
console.log(`ok: ${received.length} deliveries verified with Quiltt's algorithm and in Quiltt's shape`);
