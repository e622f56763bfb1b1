/**
 * Issue 35, operators' own destinations, on real parts: PGlite, the loopback SMTP sink, a real
 * HTTP receiver whose every request is checked with the `standardwebhooks` package, and a node log
 * server. A destination gets nothing but its code until its operator enters that code (sent to it,
 * or into their node's log); codes expire and allow few tries and never appear in an error; the
 * delivery data is sealed in the database, hidden from util.inspect and JSON, and a key rotation
 * opens the old rows. Operators' URLs to non-public addresses are refused with a typed error and
 * nothing is sent, a redirect is not followed, and a destination that keeps failing for good is
 * paused.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { InvalidInputError, UnsafeAddressError } from '../../../src/errors.js';
import type { Destinations } from '../../../src/destinations/destinations.js';
import { freshPostgresUrl, postgresSkipReason, sqlClient } from '../../helpers/databases.js';
import { harness, type Harness } from '../../helpers/service.js';
import { until } from '../../helpers/wait.js';

const KEY_A = 'a'.repeat(24) + '-destinations-key-one';
const KEY_B = 'b'.repeat(24) + '-destinations-key-two';
const OPERATOR = 'op@example.com';

/** Receiver is a webhook endpoint on loopback that records what it was sent and answers `status`. */
interface Receiver {
  url: string;
  requests: Array<{ headers: IncomingHttpHeaders; body: string }>;
  status: number;
  location?: string;
  close(): Promise<void>;
}

async function receiver(): Promise<Receiver> {
  const r: Receiver = {
    url: '',
    requests: [],
    status: 204,
    close: () => new Promise((done) => server.close(() => done())),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      r.requests.push({ headers: req.headers, body });
      res.writeHead(r.status, r.location ? { location: r.location } : {});
      res.end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return r;
}

/** verified is a request's body, checked with the standardwebhooks package against `secret`. */
function verified(secret: string, req: { headers: IncomingHttpHeaders; body: string }): Record<string, unknown> {
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
  return new Webhook(secret).verify(req.body, headers) as Record<string, unknown>;
}

/** codeSentTo is the code in a request a webhook destination got, its signature checked with `secret`. */
function codeSentTo(secret: string | undefined, req: Receiver['requests'][number] | undefined): string {
  assert.ok(secret && req);
  return codeIn(String((verified(secret, req)['data'] as Record<string, unknown>)['text']));
}

/** codeIn is the six-digit code in a message's text. */
function codeIn(text: string): string {
  const m = /\b(\d{6})\b/.exec(text);
  assert.ok(m, `a code in ${JSON.stringify(text)}`);
  return m[1] as string;
}

function destinationsOf(h: Harness): Destinations {
  assert.ok(h.svc.destinations);
  return h.svc.destinations;
}

describe("operators' own destinations, on PostgreSQL", { skip: postgresSkipReason }, () => {
  let h: Harness;
  let url: string;
  let hook: Receiver;
  let now = Date.parse('2026-06-01T10:00:00Z');
  before(async () => {
    hook = await receiver();
    url = await freshPostgresUrl('satnotify_destinations_test');
    h = await harness({
      database: { url },
      clock: () => new Date(now),
      env: { DEST_KEY: KEY_A },
      destinations: { kinds: ['webhook', 'email'], allowPrivate: true, encryptionKey: { env: 'DEST_KEY' } },
    });
  });
  after(async () => {
    await h.close();
    await hook.close();
  });

  it('a webhook gets its code, signed, then nothing but what its operator verified; its data is sealed and private', async () => {
    const d = destinationsOf(h);
    const added = await d.add(OPERATOR, { kind: 'webhook', params: { url: hook.url }, label: 'home' });
    assert.equal(added.status, 'unverified');
    assert.match(added.secret ?? '', /^whsec_/);
    const secret = added.secret as string;
    // Private: not in util.inspect or JSON, not stored in the clear, the secret never listed again.
    for (const printed of [inspect(added, { depth: 5 }), JSON.stringify(added)]) {
      assert.ok(!printed.includes(hook.url) && !printed.includes(secret), printed);
      assert.match(printed, /\[private\]/);
    }
    const [listed] = await d.list(OPERATOR);
    assert.equal(listed?.params['url'], hook.url);
    assert.equal('secret' in (listed?.params ?? {}), false);
    const db = sqlClient(url);
    await db.connect();
    const { rows } = await db.query('SELECT * FROM satnotify_destinations').finally(() => db.end());
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes('127.0.0.1') && !JSON.stringify(rows).includes(secret.slice(6, 20)));

    await assert.rejects(d.test(OPERATOR, added.id), /unverified/);
    assert.equal(hook.requests.length, 0, 'nothing before it is verified');
    const { expiresAt } = await d.sendCode(OPERATOR, added.id);
    assert.equal(expiresAt.toISOString(), '2026-06-01T10:15:00.000Z');
    assert.equal(hook.requests.length, 1);
    const body = verified(secret, hook.requests[0] as Receiver['requests'][number]);
    assert.equal(body['type'], 'satnotify.destination-code');
    const code = codeIn(String((body['data'] as Record<string, unknown>)['text']));

    // A wrong code says how many tries are left and never quotes a code.
    const wrong = code === '000000' ? '000001' : '000000';
    await assert.rejects(d.verify(OPERATOR, added.id, wrong), (err: unknown) => {
      assert.ok(err instanceof InvalidInputError);
      assert.equal(err.field, 'code');
      assert.match(err.message, /4 tries left/);
      assert.ok(!err.message.includes(code) && !err.message.includes(wrong));
      return true;
    });
    const active = await d.verify(OPERATOR, added.id, code);
    assert.equal(active.status, 'active');
    await d.test(OPERATOR, added.id);
    const test = verified(secret, hook.requests[1] as Receiver['requests'][number]);
    assert.equal(test['type'], 'satnotify.destination-test');
    assert.equal(hook.requests.length, 2);
  });

  it('codes expire, allow a few tries, and come no oftener than a minute; the right code after too many wrong ones is refused', async () => {
    const d = destinationsOf(h);
    const added = await d.add(OPERATOR, { kind: 'webhook', params: { url: hook.url } });
    const before = hook.requests.length;
    await d.sendCode(OPERATOR, added.id);
    await assert.rejects(d.sendCode(OPERATOR, added.id), /less than a minute ago/);
    const code = codeSentTo(added.secret, hook.requests[before]);
    const wrong = code === '111111' ? '222222' : '111111';
    for (let i = 0; i < 5; i++) await assert.rejects(d.verify(OPERATOR, added.id, wrong), InvalidInputError);
    await assert.rejects(d.verify(OPERATOR, added.id, code), /too often; ask for a new one/);
    now += 2 * 60_000;
    await d.sendCode(OPERATOR, added.id);
    const fresh = codeSentTo(added.secret, hook.requests.at(-1));
    now += 16 * 60_000;
    await assert.rejects(d.verify(OPERATOR, added.id, fresh), /has expired/);
    assert.equal((await d.get(OPERATOR, added.id))?.status, 'unverified');
    await d.remove(OPERATOR, added.id);
  });

  it("another address gets its code by email; or the code goes into the operator's node log, and only their node's", async () => {
    const d = destinationsOf(h);
    const added = await d.add(OPERATOR, { kind: 'email', params: { address: 'Second@Example.net' } });
    await d.sendCode(OPERATOR, added.id);
    await h.sink.waitFor(1, 10_000);
    const m = h.sink.received.at(-1);
    assert.deepEqual(m?.envelopeTo, ['second@example.net']);
    // The code is in the body, never the subject (a subject is what mail logs keep).
    assert.equal(m?.parsed.subject, "[test-sat] Your code for test-sat's notifications");
    assert.match(m?.parsed.text ?? '', /op@example\.com asked test-sat/);
    const code = codeIn(m?.parsed.text ?? '');
    assert.match(String(m?.parsed.html), new RegExp(code));

    now += 2 * 60_000;
    const node = await h.addNode({ email: 'OP@example.com' });
    const strangers = await h.addNode({ email: 'someone-else@example.com' });
    await assert.rejects(d.sendCode(OPERATOR, added.id, { via: 'node-log', nodeId: strangers }), (err: unknown) => {
      assert.ok(err instanceof InvalidInputError);
      assert.equal(err.field, 'nodeId');
      return true;
    });
    await d.sendCode(OPERATOR, added.id, { via: 'node-log', nodeId: node });
    const line = h.logLines.at(-1) ?? '';
    const viaLog = codeIn(line);
    await assert.rejects(d.verify(OPERATOR, added.id, code), InvalidInputError); // the new code replaced the old
    assert.equal((await d.verify(OPERATOR, added.id, viaLog)).status, 'active');
    await d.test(OPERATOR, added.id);
    await h.sink.waitFor(2, 10_000);
    assert.match(h.sink.received.at(-1)?.parsed.subject ?? '', /Test notification from test-sat/);
  });

  it('codes are budgeted per operator, across removing and adding again: a code is a message to someone', async () => {
    const d = destinationsOf(h);
    const owner = 'budget@example.com';
    for (let i = 0; i < 5; i++) {
      const x = await d.add(owner, { kind: 'webhook', params: { url: `${hook.url}?n=${i}` } });
      await d.sendCode(owner, x.id);
      await d.remove(owner, x.id);
    }
    const sixth = await d.add(owner, { kind: 'webhook', params: { url: `${hook.url}?n=6` } });
    const sent = hook.requests.length;
    await assert.rejects(d.sendCode(owner, sixth.id), /too many codes \(max-hour\)/);
    assert.equal(hook.requests.length, sent, 'refused before anything was sent');
    now += 3_600_000; // the next calendar hour
    await d.sendCode(owner, sixth.id);
    await d.remove(owner, sixth.id);
  });

  it('a destination that keeps failing for good is paused with its last error; resume makes it active again', async () => {
    now += 3_600_000; // a fresh hour of code budget for the operator
    const d = destinationsOf(h);
    const added = await d.add(OPERATOR, { kind: 'webhook', params: { url: hook.url } });
    await d.sendCode(OPERATOR, added.id);
    const code = codeSentTo(added.secret, hook.requests.at(-1));
    await d.verify(OPERATOR, added.id, code);
    hook.status = 410;
    for (let i = 0; i < 3; i++) await assert.rejects(d.test(OPERATOR, added.id), /answered 410/);
    const paused = await d.get(OPERATOR, added.id);
    assert.equal(paused?.status, 'paused');
    assert.equal(paused?.failures, 3);
    assert.match(paused?.lastError ?? '', /answered 410/);
    // The operator hears of it at their own address, without the URL.
    await until(
      () => h.sink.received.some((m) => /A destination of yours was paused/.test(m.parsed.subject ?? '')),
      10_000,
      'the pause notice',
    );
    const notice = h.sink.received.find((m) => /A destination of yours was paused/.test(m.parsed.subject ?? ''));
    assert.deepEqual(notice?.envelopeTo, [OPERATOR]);
    assert.match(notice?.parsed.text ?? '', /after 3 failures in a row \(answered 410\)/);
    assert.ok(!(notice?.parsed.text ?? '').includes(hook.url));
    hook.status = 204;
    await d.resume(OPERATOR, added.id);
    assert.equal((await d.get(OPERATOR, added.id))?.status, 'active');
    await d.test(OPERATOR, added.id);

    // A redirect is not followed: the signed body never reaches where it points.
    const elsewhere = await receiver();
    try {
      hook.status = 302;
      hook.location = elsewhere.url;
      await assert.rejects(d.test(OPERATOR, added.id), /redirects are not followed/);
      assert.equal(elsewhere.requests.length, 0);
    } finally {
      hook.status = 204;
      delete hook.location;
      await elsewhere.close();
    }
  });

  it("an active destination gets a copy of what its operator's email gets, through the outbox, filtered as an instance is", async () => {
    const d = destinationsOf(h);
    const owner = 'fan@example.com';
    const added = await d.add(owner, { kind: 'webhook', params: { url: hook.url } });
    const node = await h.addNode({ email: owner });
    // Unverified: the outage reaches the email alone.
    await h.svc.onUptimeCheck(node, { ok: false });
    now += 3_600_000; // past the grouping wait
    await h.svc.dispatch();
    const before = hook.requests.length;
    await d.sendCode(owner, added.id);
    const code = codeSentTo(added.secret, hook.requests.at(-1));
    assert.equal(hook.requests.length, before + 1, 'the code, and nothing of the first outage');
    await d.verify(owner, added.id, code);
    await h.svc.onUptimeCheck(node, { ok: true });
    await h.svc.onUptimeCheck(node, { ok: false });
    now += 3_600_000; // past the grouping wait
    await h.svc.dispatch();
    const kinds = hook.requests
      .slice(before + 1)
      .map((r) => verified(added.secret as string, r))
      .map((b) => [b['type'], (b['data'] as Record<string, unknown>)['nodeId']]);
    // The recovery and the new outage, due together, leave as one digest there, as by email.
    assert.ok(
      kinds.some(([type]) => type === 'satnotify.node-offline' || type === 'satnotify.digest'),
      JSON.stringify(kinds),
    );
    assert.ok(kinds.every(([, id]) => typeof id === 'string' && id.length > 0));
    const history = await h.svc.history({ address: owner });
    assert.ok(
      history.entries.some((i) => i.channel === added.id && i.status === 'sent'),
      'recorded on its own instance',
    );

    // Filters name it as they name an instance: off for outages, it gets no copy of the next one.
    await h.svc.preferences.update(owner, { filters: { [added.id]: [{ kinds: ['node-online'] }] } });
    await assert.rejects(
      h.svc.preferences.update(owner, { filters: { 'not-theirs': [] } }),
      (err: unknown) => err instanceof InvalidInputError && /filters\.not-theirs/.test(err.message),
    );
    const seen = hook.requests.length;
    await h.svc.onUptimeCheck(node, { ok: true });
    now += 3_600_000; // past the grouping wait
    await h.svc.dispatch();
    await h.svc.onUptimeCheck(node, { ok: false });
    now += 3_600_000; // past the grouping wait
    await h.svc.dispatch();
    const after = hook.requests.slice(seen).map((r) => verified(added.secret as string, r)['type']);
    assert.ok(!after.includes('satnotify.node-offline') && !after.includes('satnotify.digest'), JSON.stringify(after));
    const suppressed = (await h.svc.history({ address: owner })).entries.filter(
      (i) => i.channel === added.id && i.status === 'suppressed',
    );
    assert.ok(suppressed.length >= 1, 'the filtered copy is recorded as suppressed, not lost');
  });

  it('an erased operator loses their destinations; an export lists them without the signing secret', async () => {
    const d = destinationsOf(h);
    const exported = await h.svc.operators.export(OPERATOR);
    assert.ok(exported.destinations.length >= 2);
    assert.ok(exported.destinations.every((x) => !('secret' in x.params)));
    assert.ok(JSON.stringify(exported).includes(hook.url), 'their own export shows their own data');
    const erased = await h.svc.operators.erase(OPERATOR);
    assert.equal(erased.destinations, exported.destinations.length);
    assert.deepEqual(await d.list(OPERATOR), []);
  });

  it('a rotated key opens what the old one sealed, and resealing moves it to the new key', async () => {
    const d = destinationsOf(h);
    const added = await d.add('rot@example.com', { kind: 'email', params: { address: 'rot2@example.com' } });
    await h.reopen({
      env: { DEST_KEY: KEY_B, OLD_KEY: KEY_A },
      destinations: {
        kinds: ['webhook', 'email'],
        allowPrivate: true,
        encryptionKey: [{ env: 'DEST_KEY' }, { env: 'OLD_KEY' }],
      },
    });
    const rotated = destinationsOf(h);
    assert.equal((await rotated.get('rot@example.com', added.id))?.params['address'], 'rot2@example.com');
    assert.equal(await rotated.reseal('rot@example.com'), 1);
    await h.reopen({
      env: { DEST_KEY: KEY_B },
      destinations: { kinds: ['webhook', 'email'], allowPrivate: true, encryptionKey: { env: 'DEST_KEY' } },
    });
    assert.equal((await destinationsOf(h).get('rot@example.com', added.id))?.params['address'], 'rot2@example.com');
  });
});

describe("operators' URLs are untrusted, on PGlite: non-public addresses are refused and nothing is sent", () => {
  let h: Harness;
  let hook: Receiver;
  before(async () => {
    hook = await receiver();
    h = await harness({
      env: { DEST_KEY: KEY_A },
      destinations: { kinds: ['webhook'], encryptionKey: { env: 'DEST_KEY' } },
      // The test resolver: a public-looking name that resolves to loopback (DNS rebinding's second answer).
      destinationResolver: (host) =>
        Promise.resolve(
          host === 'rebound.example'
            ? [{ address: '127.0.0.1', family: 4 }]
            : host === 'mapped.example'
              ? [{ address: '::ffff:10.0.0.1', family: 6 }]
              : [{ address: '93.184.215.14', family: 4 }],
        ),
    });
  });
  after(async () => {
    await h.close();
    await hook.close();
  });

  it('refuses loopback, private, link-local (metadata), IPv6-mapped and plain-http URLs when they are added', async () => {
    const d = destinationsOf(h);
    const port = new URL(hook.url).port;
    for (const [url, why] of [
      [`https://127.0.0.1:${port}/hook`, /loopback/],
      ['https://10.1.2.3/hook', /private/],
      ['https://169.254.169.254/latest/meta-data/', /linkLocal/],
      [`https://[::ffff:127.0.0.1]:${port}/hook`, /loopback/],
      ['https://[::1]/hook', /loopback/],
      ['https://2130706433/hook', /loopback/], // 127.0.0.1 written as one number
      ['https://0x7f.1/hook', /loopback/],
      ['https://[::127.0.0.1]/hook', /reserved/], // IPv4-compatible IPv6: unicast to ipaddr.js, not global
      ['https://100.64.0.1/hook', /carrierGradeNat/],
      ['https://[fd00:ec2::254]/latest/', /uniqueLocal/], // a cloud's IPv6 metadata address
      ['http://hooks.example/hook', /must be https/],
      ['ftp://hooks.example/', /must be https/],
      ['https://user:pw@hooks.example/', /user or password/],
    ] as const)
      await assert.rejects(d.add(OPERATOR, { kind: 'webhook', params: { url } }), (err: unknown) => {
        assert.ok(err instanceof InvalidInputError, String(err));
        assert.equal(err.field, 'params.url');
        assert.match(err.message, why);
        assert.ok(!err.message.includes('pw'), 'no password in an error');
        return true;
      });
    assert.deepEqual(await d.list(OPERATOR), []);
  });

  it('checks the address where it connects: a name that resolves to loopback or to an IPv6-mapped private address is refused, unsent', async () => {
    const d = destinationsOf(h);
    for (const host of ['rebound.example', 'mapped.example']) {
      const port = new URL(hook.url).port;
      const added = await d.add(OPERATOR, { kind: 'webhook', params: { url: `https://${host}:${port}/hook` } });
      await assert.rejects(d.sendCode(OPERATOR, added.id), (err: unknown) => {
        assert.ok(err instanceof UnsafeAddressError, String(err));
        assert.equal(err.permanent, true);
        assert.ok(!err.message.includes(host), 'the host is private delivery data');
        return true;
      });
    }
    assert.equal(hook.requests.length, 0, 'nothing reached the loopback receiver');
  });
});
