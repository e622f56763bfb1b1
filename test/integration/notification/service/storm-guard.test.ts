/**
 * Issue 34, item 1, on real parts (PostgreSQL, PGlite, the SMTP sink, the node log over gRPC, a
 * webhook receiver checking Standard Webhooks signatures): a satellite-side fault turns 40% of
 * 25,000 nodes offline within two minutes. No operator hears of it, the satellite's own channel
 * gets one alert, the nodes that come back are dropped as a satellite-side outage (their recovery
 * too), and the nodes really still offline are reported once each, one email per operator. Two
 * services on one database turn the guard on once and alert once; a satellite holds by hand for
 * its maintenance.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { InvalidInputError } from '../../../../src/errors.js';
import { NodeId } from '../../../../src/overlay/node-id.js';
import { bothDatabases, freshPostgresUrl, postgresSkipReason, sqlClient } from '../../../helpers/databases.js';
import { clockedHarness, harness, type Harness } from '../../../helpers/service.js';
import { TestClock } from '../../../helpers/clock.js';

const MINUTE = 60_000;
const SECRET = `whsec_${Buffer.from('satnotify-guard-secret-0123456789').toString('base64')}`;

/** A webhook receiver that keeps what verifies as Standard Webhooks. */
async function receiver(): Promise<{ url: string; got: Array<Record<string, unknown>>; close: () => Promise<void> }> {
  const got: Array<Record<string, unknown>> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      got.push(new Webhook(SECRET).verify(body, req.headers as Record<string, string>) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ops`,
    got,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const ops = (url: string) => ({
  env: { OPS_SECRET: SECRET },
  channels: {
    ops: {
      plugin: 'webhook' as const,
      params: { url, secret: { env: 'OPS_SECRET' } },
      limits: { maxHr: 10, maxDay: 10, minDelay: '0s' },
    },
  },
});

/** Nodes written straight into the overlay's table: node i belongs to operator floor(i / 5). */
async function insertNodes(url: string, count: number, address: string): Promise<string[]> {
  const db = sqlClient(url);
  await db.connect();
  try {
    const { rows } = await db.query<{ hex: string }>(
      `INSERT INTO nodes (id, address, email, version)
       SELECT decode(md5('n' || i) || md5('m' || i), 'hex'), $1, 'op-' || (i / 5) || '@example.com', '1.60.0'
       FROM generate_series(0, $2::int - 1) AS i
       RETURNING encode(id, 'hex') AS hex`,
      [address, count],
    );
    return rows.map((r) => r.hex);
  } finally {
    await db.end();
  }
}

async function rowsBy(url: string): Promise<Map<string, number>> {
  const db = sqlClient(url);
  await db.connect();
  try {
    const { rows } = await db.query<{ k: string; n: number }>(
      `SELECT channel || ' ' || kind || ' ' || status || coalesce(' ' || reason, '') AS k, count(*)::int AS n
       FROM satnotify_outbox WHERE reason IS NULL OR reason NOT LIKE 'storm guard:%' GROUP BY 1`,
    );
    return new Map(rows.map((r) => [r.k, r.n]));
  } finally {
    await db.end();
  }
}

/** Each hook call for `ids`, at once in slices (as a satellite's loop reports them). */
async function checkAll(h: Harness, ids: readonly string[], ok: boolean): Promise<void> {
  for (let i = 0; i < ids.length; i += 2000)
    await Promise.all(ids.slice(i, i + 2000).map((id) => h.svc.onUptimeCheck(id, { ok })));
}

describe('storm guard: 25,000 nodes, 40% offline within two minutes (PostgreSQL)', { skip: postgresSkipReason }, () => {
  const T0 = Date.parse('2024-06-01T00:00:00Z');
  const clock = new TestClock(new Date(T0).toISOString());
  let h: Harness;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let url: string;
  const logs: string[] = [];
  before(async () => {
    hook = await receiver();
    url = await freshPostgresUrl('satnotify_storm_test');
    const line = (f: Record<string, unknown>, m: string): void => void logs.push(`${m} ${JSON.stringify(f)}`);
    h = await harness({
      ...ops(hook.url),
      logger: { info: line, warn: line, error: line },
      clock: clock.now,
      database: { url },
      grouping: { wait: '0s' }, // nothing waits: only the guard stands between a storm and 10,000 emails
      hooks: { offlineAfter: '1m' },
      guard: { offlineShare: 0.1, offlineNodes: 1_000_000, window: '10m', alert: 'ops', checkEvery: '1s' },
      limits: { email: { maxHr: 100, maxDay: 100, minDelay: '0s' }, log: { maxHr: 100, maxDay: 100, minDelay: '0s' } },
    });
  });
  after(async () => {
    await h?.close();
    await hook?.close();
  });
  const at = (minutes: number): void => clock.set(new Date(T0 + minutes * MINUTE).toISOString());
  const dispatch = async (): Promise<void> => {
    await h.svc.guard.check();
    await h.svc.dispatch();
  };

  it('0 operator emails and 1 alert during it; after it, 0 false notices and the nodes still offline once each', async () => {
    const ids = await insertNodes(url, 25_000, h.nodeLogAddress);
    const down = ids.filter((_, i) => i % 5 < 2); // 10,000 nodes: two of each operator's five
    const stillDown = down.slice(0, 50); // 25 operators' two nodes each
    at(0);
    await checkAll(h, ids, true);
    await dispatch();
    // The storm: 2,000 more nodes fail every 30 s, each reported offline at its second failed check a minute later.
    for (let step = 0; step < 5; step++) {
      at(1 + step / 2);
      await checkAll(h, down.slice(step * 2000, (step + 1) * 2000), false);
      if (step >= 2) await checkAll(h, down.slice((step - 2) * 2000, (step - 1) * 2000), false);
      await dispatch();
    }
    at(4);
    await checkAll(h, down.slice(6000), false);
    await dispatch();
    // The satellite goes on checking every node: the healthy ones pass, the storm's fail.
    const downSet = new Set(down);
    for (const minute of [10, 20]) {
      at(minute);
      await checkAll(
        h,
        ids.filter((id) => !downSet.has(id)),
        true,
      );
      await checkAll(h, down, false);
      await dispatch();
    }
    assert.equal(h.sink.received.length, 0, 'no operator email during the storm');
    assert.equal(hook.got.length, 1, 'one alert');
    const alert = hook.got[0] as { data?: { title?: string; facts?: Record<string, unknown> } };
    assert.match(alert.data?.title ?? '', /^Storm guard on/);
    assert.equal(alert.data?.facts?.['checked'], 25_000);
    const state = await h.svc.guard.state();
    assert.equal(state.active, true);
    assert.equal(state.manual, null);
    const metric = async (name: string): Promise<string[]> =>
      (await h.svc.metrics.registry.metrics()).split('\n').filter((l) => l.startsWith(name));
    assert.deepEqual(await metric('satnotify_guard_active'), ['satnotify_guard_active 1']);
    assert.deepEqual(await metric('satnotify_guard_storms_total{'), ['satnotify_guard_storms_total{cause="share"} 1']);
    assert.equal(logs.filter((l) => l.startsWith('storm guard on')).length, 1, 'one log line says so');
    assert.match(
      logs.find((l) => l.startsWith('storm guard on')) ?? '',
      /"cause":"share","checked":25000,"offline":\d+,"share":"\d+%"/,
    );

    // The satellite's checker is back: all but 50 of the nodes answer.
    at(30);
    const still = new Set(stillDown);
    await checkAll(
      h,
      ids.filter((id) => !still.has(id)),
      true,
    );
    await checkAll(h, stillDown, false);
    await dispatch();
    assert.equal((await h.svc.guard.state()).active, false, 'the storm ended when its nodes were back');
    assert.deepEqual(await metric('satnotify_guard_active'), ['satnotify_guard_active 0']);
    assert.match(logs.find((l) => l.startsWith('storm guard off')) ?? '', /"suppressed":0,"waiting":100/);
    assert.equal(h.sink.received.length, 0, 'still nothing: nodes still offline wait offlineAfter past the end');
    at(31);
    await checkAll(h, stillDown, false);
    await dispatch();
    await h.sink.waitFor(25);
    const mails = h.sink.received;
    assert.equal(mails.length, 25, 'one email per operator with a node still offline');
    const named = mails.flatMap((m) =>
      stillDown.filter((hex) => (m.parsed.text ?? '').includes(NodeId.parse(hex).toString().slice(0, 12))),
    );
    assert.equal(new Set(named).size, 50, 'each node still offline is reported');
    assert.equal(named.length, 50, '... once');
    for (const m of mails) assert.doesNotMatch(m.parsed.subject ?? '', /back online/);
    const rows = await rowsBy(url);
    assert.equal(rows.get('email node-offline suppressed satellite-side outage'), 9_950);
    assert.equal(rows.get('email node-online suppressed satellite-side outage'), 9_950);
    assert.equal(rows.get('ops storm-guard sent'), 1);
    assert.equal(
      h.logLines.filter((l) => /UPTIME_RECOVERED/.test(l)).length,
      0,
      'no node log line of a false recovery',
    );
  });
});

describe(
  'storm guard: two services on one PostgreSQL turn it on once and alert once',
  { skip: postgresSkipReason },
  () => {
    const clock = new TestClock('2024-07-01T00:00:00Z');
    let a: Harness;
    let b: Harness;
    let hook: Awaited<ReturnType<typeof receiver>>;
    let url: string;
    before(async () => {
      hook = await receiver();
      url = await freshPostgresUrl('satnotify_storm_two_test');
      const options = {
        ...ops(hook.url),
        clock: clock.now,
        database: { url },
        guard: { offlineNodes: 50, alert: 'ops', checkEvery: '1s' },
      };
      a = await harness(options);
      b = await harness(options);
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await hook?.close();
    });

    it('both count at once: one turns it on and alerts; both see it on; one ends it', async () => {
      const ids = await insertNodes(url, 300, a.nodeLogAddress);
      await checkAll(a, ids.slice(0, 150), false);
      await checkAll(b, ids.slice(150, 200), false);
      const [sa, sb] = await Promise.all([
        a.svc.guard.check(),
        b.svc.guard.check(),
        a.svc.dispatch(),
        b.svc.dispatch(),
      ]);
      assert.equal(sa.active && sb.active, true);
      await Promise.all([a.svc.dispatch(), b.svc.dispatch()]);
      assert.equal(hook.got.length, 1, 'one alert from two services');
      const storms = async (h: Harness): Promise<number> =>
        (await h.svc.metrics.guardStorms.get()).values.reduce((n, v) => n + v.value, 0);
      assert.equal((await storms(a)) + (await storms(b)), 1, 'one of them turned it on');
      assert.equal(a.sink.received.length + b.sink.received.length, 0);
      const ended = await Promise.all([a.svc.guard.release(), b.svc.guard.release()]);
      assert.equal(ended.filter((e) => e !== null).length, 1, 'one of them ended it');
    });
  },
);

for (const target of await bothDatabases('satnotify_guard_hold_test'))
  describe(`storm guard held by hand for the satellite's maintenance (${target.name})`, { skip: target.skip }, () => {
    const T0 = Date.parse('2024-08-01T00:00:00Z');
    const { h, clock } = clockedHarness(new Date(T0).toISOString(), {
      ...(target.database && { database: target.database }),
      grouping: { wait: '0s' },
      hooks: { offlineAfter: '10m' },
      limits: { email: { maxHr: 100, maxDay: 100, minDelay: '0s' }, log: { maxHr: 100, maxDay: 100, minDelay: '0s' } },
    });
    const at = (minutes: number): void => clock.set(new Date(T0 + minutes * MINUTE).toISOString());

    it('holds offline news until released; a node back by then is dropped, one still down is sent offlineAfter later', async () => {
      const back = await h.addNode({ email: 'back@example.com' });
      const down = await h.addNode({ email: 'down@example.com' });
      at(0);
      const held = await h.svc.guard.hold('upgrading the uptime checker');
      assert.deepEqual([held.active, held.manual], [true, 'upgrading the uptime checker']);
      for (const minute of [1, 12, 20]) {
        at(minute);
        await h.svc.onUptimeCheck(back, { ok: false });
        await h.svc.onUptimeCheck(down, { ok: false });
        await h.svc.dispatch();
      }
      assert.equal((await h.svc.guard.check()).active, true, 'a hold by hand is not ended by the count');
      at(25);
      await h.svc.onUptimeCheck(back, { ok: true });
      await h.svc.dispatch();
      assert.equal(h.sink.received.length, 0, 'nothing while held, and no recovery of an outage nobody heard of');
      assert.notEqual(await h.svc.guard.release(), null);
      assert.equal(await h.svc.guard.release(), null, 'released once');
      await h.svc.dispatch();
      assert.equal(h.sink.received.length, 0, 'the node still down waits offlineAfter past the end');
      at(36);
      await h.svc.onUptimeCheck(down, { ok: false });
      await h.svc.dispatch();
      await h.sink.waitFor(1);
      assert.deepEqual(
        h.sink.received.map((m) => m.envelopeTo.join()),
        ['down@example.com'],
        'only the node still offline is reported',
      );
      const history = await h.svc.history({ nodeId: back });
      const reasons = history.entries
        .filter((i) => i.channel === 'email')
        .map((i) => `${i.kind} ${i.status} ${i.reason}`);
      assert.deepEqual(reasons.sort(), [
        'node-offline suppressed satellite-side outage',
        'node-online suppressed satellite-side outage',
      ]);
    });

    it('an outage told before the guard goes on is reminded and its recovery told; news recorded after the last hold is moved at the end', async () => {
      const before = await h.addNode({ email: 'before@example.com' });
      const late = await h.addNode({ email: 'late@example.com' });
      at(100);
      await h.svc.onUptimeCheck(before, { ok: false });
      at(111);
      await h.svc.onUptimeCheck(before, { ok: false }); // offline notice at 111 min
      await h.svc.dispatch();
      await h.sink.waitFor(1);
      at(120);
      await h.svc.guard.hold('moving the checker');
      at(121);
      await h.svc.onUptimeCheck(late, { ok: false });
      at(132);
      await h.svc.onUptimeCheck(late, { ok: false }); // its notice is recorded after the last hold ...
      await h.svc.guard.release(); // ... and the end moves it with the rest
      await h.svc.dispatch();
      const lateRows = (await h.svc.history({ nodeId: late })).entries.filter((e) => e.channel === 'email');
      assert.deepEqual(
        lateRows.map((e) => [e.status, (e.reason ?? '').slice(0, 23)]),
        [['held', 'after the storm guard: ']],
      );
      at(133);
      await h.svc.onUptimeCheck(before, { ok: true });
      await h.svc.dispatch();
      await h.sink.waitFor(2);
      assert.deepEqual(
        h.sink.received
          .filter((m) => m.envelopeTo.includes('before@example.com'))
          .map((m) => /back online/.test(m.parsed.subject ?? '')),
        [false, true],
        'told of the outage before the guard, so told of its end',
      );
    });

    it('refuses a hold without a reason, naming the field, and leaves the guard off', async () => {
      await assert.rejects(
        h.svc.guard.hold(''),
        (e: unknown) => e instanceof InvalidInputError && /reason/.test(e.message),
      );
      await assert.rejects(h.svc.guard.hold('a\nb'), InvalidInputError);
      assert.equal((await h.svc.guard.state()).active, false);
    });
  });
