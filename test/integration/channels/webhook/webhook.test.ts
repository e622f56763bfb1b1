/**
 * The webhook plugin against a local HTTP server that checks every request with the
 * `standardwebhooks` package's own verifier: 2xx is sent; 429 (honouring Retry-After), 500 and a
 * timeout are retried; 410 and a redirect fail for good with the reason; a receiver holding another
 * secret refuses the signature. The secret comes from the environment and is never printed.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { harness, type Harness } from '../../../helpers/service.js';

const SECRET = `whsec_${Buffer.from('satnotify-test-secret-0123456789').toString('base64')}`;
const OTHER = `whsec_${Buffer.from('somebody-else-entirely-987654321').toString('base64')}`;

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  verified: unknown;
  path: string;
}

describe('webhook plugin', () => {
  let server: Server;
  let received: Received[];
  let respond: (req: Received, res: ServerResponse) => void;
  let receiverSecret: string;
  let h: Harness;
  let logs: string[];
  let offsetMs = 0; // moves the service's clock forward, to make a retry due

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        let verified: unknown;
        try {
          verified = new Webhook(receiverSecret).verify(body, req.headers as Record<string, string>);
        } catch {
          verified = null;
        }
        const r = { headers: req.headers, body, verified, path: req.url ?? '' };
        received.push(r);
        if (!verified) return void res.writeHead(401).end('bad signature');
        respond(r, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    logs = [];
    const line = (f: Record<string, unknown>, m: string): void => void logs.push(`${m} ${JSON.stringify(f)}`);
    h = await harness({
      clock: () => new Date(Date.now() + offsetMs),
      env: { OPS_SECRET: SECRET },
      logger: { info: line, warn: line, error: line },
      channels: {
        ops: {
          plugin: 'webhook',
          params: { url, secret: { env: 'OPS_SECRET' }, timeout: '500ms' },
          limits: { maxHr: 100, maxDay: 1000, minDelay: '0s' },
        },
      },
      hooks: { channels: { 'audit-failed': ['ops'], 'node-offline': ['ops'] } },
      dispatcher: { maxAttempts: 3 },
    });
  });
  beforeEach(() => {
    received = [];
    receiverSecret = SECRET;
    respond = (_r, res) => res.writeHead(204).end();
  });
  after(async () => {
    await h?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  /** notify records one audit failure on a fresh node and runs a dispatch pass; returns its id. */
  async function notify(): Promise<string> {
    const node = await h.addNode();
    const r = await h.svc.onAuditResult(node, { passed: false, score: 0.95, dqThreshold: 0.96 });
    await h.svc.dispatch();
    assert.equal(r.ids.length, 1);
    return r.ids[0] as string;
  }

  it('2xx: sent, signed as Standard Webhooks says, with the notification as data', async () => {
    const id = await notify();
    assert.equal((await h.svc.delivery(id))?.status, 'sent');
    assert.equal(received.length, 1);
    const r = received[0] as Received;
    assert.ok(r.verified, 'the standardwebhooks verifier accepts the signature');
    assert.equal(r.headers['webhook-id'], id);
    assert.match(String(r.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+=*$/);
    const body = JSON.parse(r.body) as { type: string; timestamp: string; data: Record<string, unknown> };
    assert.equal(body.type, 'satnotify.audit-failed');
    assert.equal(body.data['id'], id);
    assert.equal(body.data['kind'], 'audit-failed');
    assert.equal(body.data['level'], 'warn');
    assert.deepEqual(body.data['facts'], { score: '0.950', threshold: '0.960', distance: '-0.010' });
    assert.ok(!JSON.stringify(body).includes('@example.com'), 'no operator email in a webhook');
  });

  it('429 with Retry-After: retried no sooner than asked', async () => {
    respond = (_r, res) => res.writeHead(429, { 'retry-after': '120' }).end();
    const before = Date.now();
    const id = await notify();
    const d = await h.svc.delivery(id);
    assert.equal(d?.status, 'held');
    assert.match(d?.reason ?? '', /429/);
    assert.ok(Date.parse(d?.retryAt ?? '') >= before + 120_000, `retry at ${d?.retryAt}`);
  });

  it('500: retried; a later 2xx sends it, once', async () => {
    respond = (_r, res) => res.writeHead(500).end();
    const id = await notify();
    assert.equal((await h.svc.delivery(id))?.status, 'held');
    assert.match((await h.svc.delivery(id))?.reason ?? '', /transient.*500/);
    respond = (_r, res) => res.writeHead(200).end();
    received = [];
    offsetMs += 2 * 3600_000;
    await h.svc.dispatch();
    assert.equal((await h.svc.delivery(id))?.status, 'sent');
    assert.equal(received.filter((r) => r.headers['webhook-id'] === id).length, 1, 'sent once');
  });

  it('410: failed for good, with the reason', async () => {
    respond = (_r, res) => res.writeHead(410).end();
    const id = await notify();
    const d = await h.svc.delivery(id);
    assert.equal(d?.status, 'failed');
    assert.match(d?.reason ?? '', /permanent.*410 Gone/);
  });

  it('a redirect is not followed: failed for good, nothing sent to where it points', async () => {
    respond = (_r, res) => res.writeHead(302, { location: '/elsewhere' }).end();
    const id = await notify();
    const d = await h.svc.delivery(id);
    assert.equal(d?.status, 'failed');
    assert.match(d?.reason ?? '', /redirects are not followed/);
    assert.deepEqual(
      received.map((r) => r.path),
      ['/hook'],
    );
  });

  it('no answer within the timeout: unconfirmed, retried', async () => {
    respond = () => undefined; // never answers
    const id = await notify();
    const d = await h.svc.delivery(id);
    assert.equal(d?.status, 'held');
    assert.match(d?.reason ?? '', /no answer within the timeout/);
  });

  it('a receiver with another secret refuses the signature (401): failed for good; the secret is printed nowhere', async () => {
    receiverSecret = OTHER;
    const id = await notify();
    const d = await h.svc.delivery(id);
    assert.equal(d?.status, 'failed');
    assert.match(d?.reason ?? '', /401/);
    const printed = [
      inspect(h.svc.config, { depth: null }),
      JSON.stringify(h.svc.config),
      ...logs,
      d?.reason ?? '',
    ].join('\n');
    assert.ok(!printed.includes(SECRET) && !printed.includes(SECRET.slice(6)), 'no secret in config, logs or reasons');
    assert.match(inspect(h.svc.config, { depth: null }), /OPS_SECRET/, 'the config shows where the secret comes from');
  });
});
