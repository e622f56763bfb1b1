/**
 * Issue 33, item 6: the web side in production. One-click unsubscribe POSTs come from mail
 * providers' shared addresses, so they are limited per link, not per address (70 POSTs from one
 * address in a minute used to get ten 429s); behind a reverse proxy each client has its own bucket
 * once `web.trustProxy` says which hops to believe; an http:// baseUrl is refused unless allowed;
 * the placeholder sender is warned about once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../../src/config.js';
import type { InvalidConfigError } from '../../../src/errors.js';
import { createNotificationService } from '../../../src/notification/create.js';
import { startSmtpSink } from '../../helpers/smtp-sink.js';
import { webHarness, type WebHarness } from '../../helpers/web.js';

const oneClick = (url: string): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });

describe('the placeholder sender', () => {
  it('is warned about once per process, and only when mail leaves over SMTP', async () => {
    const sink = await startSmtpSink();
    const warnings: string[] = [];
    const logger = {
      info: () => undefined,
      error: () => undefined,
      warn: (_f: unknown, m: string) => warnings.push(m),
    };
    try {
      const files = await createNotificationService({
        database: { dataDir: 'memory://' },
        dispatcher: { autoStart: false },
        logger,
      });
      await files.close();
      assert.deepEqual(warnings, [], '.eml files: nothing is sent anywhere');
      for (let i = 0; i < 2; i++) {
        const svc = await createNotificationService({
          database: { dataDir: 'memory://' },
          smtp: { url: sink.url },
          dispatcher: { autoStart: false },
          logger,
        });
        await svc.close();
      }
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /smtp\.from is the placeholder sender/);
    } finally {
      await sink.close();
    }
  });
});

describe('web settings at the door', () => {
  it('refuses an http:// baseUrl unless allowed, and a trustProxy that is not addresses', () => {
    assert.throws(
      () => resolveConfig({ web: { baseUrl: 'http://sat.example/notify', secrets: ['k'.repeat(40)] } }),
      (e: InvalidConfigError) => e.issues.some((i) => i.path === 'web.baseUrl' && /https/.test(i.message)),
    );
    resolveConfig({ web: { baseUrl: 'http://127.0.0.1:8080/notify', allowInsecureBaseUrl: true } });
    resolveConfig({ web: { baseUrl: 'https://sat.example/notify', trustProxy: ['10.0.0.0/8', 'loopback'] } });
    assert.throws(
      () => resolveConfig({ web: { trustProxy: ['10.0.0.0/33'] } }),
      (e: InvalidConfigError) => e.issues.some((i) => i.path.startsWith('web.trustProxy')),
    );
    assert.throws(() => resolveConfig({ web: { trustProxy: -1 } }), /web\.trustProxy/);
  });
});

describe('one-click unsubscribe from a mail provider’s shared address', () => {
  let w: WebHarness;
  before(async () => {
    w = await webHarness({ web: { requestsPerMinute: 60, oneClickPerMinute: 10 } });
  });
  after(() => w.close());

  it('70 operators’ POSTs from one address in a minute all land; one link is bounded', async () => {
    const links = w.h.svc.links;
    assert.ok(links);
    const urls = Array.from(
      { length: 70 },
      (_, i) => links.email(`op${i}@example.com`, 'email', 'node-offline', new Date()).unsubscribe,
    );
    const statuses = await Promise.all(urls.map(async (u) => (await oneClick(u)).status));
    assert.deepEqual([...new Set(statuses)], [200], 'none refused');
    assert.deepEqual((await w.h.svc.preferences.get('op69@example.com')).filters['email'], [
      { exceptKinds: ['node-offline'] },
    ]);
    const again = [];
    for (let i = 0; i < 10; i++) again.push((await oneClick(urls[0] as string)).status);
    assert.deepEqual(
      again.filter((s) => s === 429).length,
      1,
      'the first link: 1 + 10 POSTs in a minute, the eleventh refused',
    );
    const page = await fetch(`${w.base}/feeds.xml`);
    assert.equal(page.status, 401, 'the pages still answer this address: its own bucket was not used up');
  });
});

for (const [name, trustProxy] of [
  ['a hop count', 1],
  ['the proxy’s range', ['127.0.0.0/8']],
] as const) {
  describe(`behind a reverse proxy trusted by ${name}`, () => {
    let w: WebHarness;
    before(async () => {
      w = await webHarness({
        web: { requestsPerMinute: 5, trustProxy: typeof trustProxy === 'number' ? trustProxy : [...trustProxy] },
      });
    });
    after(() => w.close());
    const get = (forwardedFor: string): Promise<number> =>
      fetch(`${w.base}/feeds.xml`, { headers: { 'x-forwarded-for': forwardedFor } }).then((r) => r.status);

    it('each forwarded client has its own bucket, and a forged first entry changes nothing', async () => {
      const a = [];
      for (let i = 0; i < 6; i++) a.push(await get(`198.51.100.${i}, 203.0.113.1`));
      assert.deepEqual(a, [401, 401, 401, 401, 401, 429], 'client 203.0.113.1, whatever it claims before its proxy');
      assert.equal(await get('203.0.113.2'), 401, 'another client is not held back');
    });
  });
}

describe('without trustProxy', () => {
  let w: WebHarness;
  before(async () => {
    w = await webHarness({ web: { requestsPerMinute: 5 } });
  });
  after(() => w.close());

  it('X-Forwarded-For is not believed: every request counts against the socket’s address', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await fetch(`${w.base}/feeds.xml`, { headers: { 'x-forwarded-for': `203.0.113.${i}` } })).status);
    assert.equal(statuses.at(-1), 429);
  });
});
