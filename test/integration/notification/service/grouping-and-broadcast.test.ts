import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockedHarness } from '../../../helpers/service.js';

describe('operator grouping and broadcast (PGlite, smtp-server, gRPC)', () => {
  const { h, clock } = clockedHarness('2024-06-01T08:00:00Z', {
    grouping: { wait: '5m' },
    broadcast: { ratePerSecond: 100 },
    limits: {
      email: { maxHr: 2, maxDay: 5, minDelay: '0s' },
      perAddress: { maxHr: 1000, maxDay: 1000, minDelay: '0s' },
    },
  });

  it('5 nodes of one operator going offline within the wait → 1 email naming all 5', async () => {
    const nodes: string[] = [];
    for (let i = 0; i < 5; i++) nodes.push(await h.addNode({ email: 'fleet@example.com' }));
    for (const [i, id] of nodes.entries()) {
      clock.set(`2024-06-01T08:0${i}:00Z`);
      await h.svc.onUptimeCheck(id, { ok: false });
    }
    clock.set('2024-06-01T08:04:59Z');
    await h.svc.dispatch();
    assert.equal(h.sink.received.length, 0, 'nothing before the wait ends');
    clock.set('2024-06-01T08:05:00Z');
    await h.svc.dispatch();
    await h.sink.waitFor(1);
    clock.set('2024-06-01T08:30:00Z');
    await h.svc.dispatch();
    assert.equal(h.sink.received.length, 1);
    const mail = (h.sink.received[0] as (typeof h.sink.received)[number]).parsed;
    assert.match(mail.subject ?? '', /^\[test-sat\] 5 nodes offline$/);
    const { NodeId } = await import('../../../../src/overlay/node-id.js');
    for (const id of nodes) assert.ok(mail.text?.includes(NodeId.parse(id).short), `names ${id}`);
    for (const id of nodes) assert.equal((await h.svc.status(id)).email.hrCounter, 1, 'each node counted once');
  });

  it('broadcast over 1,000 nodes keeps per-node limits and the global rate', async () => {
    clock.set('2024-06-01T12:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) ids.push(await h.addNode({ email: `b${i}@example.com` }));
    // 100 nodes already used this hour's email budget: their announcement must be held.
    for (const id of ids.slice(0, 100)) {
      await h.svc.informNodeEmail(id, { template: 'node-online', data: { offlineSince: 'x', offlineFor: 'y' } });
      await h.svc.informNodeEmail(id, { template: 'node-online', data: { offlineSince: 'x', offlineFor: 'y' } });
    }
    const before = h.sink.received.length;
    const r = await h.svc.broadcast(
      { versionBelow: '1.68.0', ids },
      { template: 'announcement', data: { title: 'Maintenance', paragraphs: ['p'], action: 'none' } },
    );
    assert.deepEqual([r.nodes, r.enqueued, r.skipped.length], [1000, 1000, 0]);

    clock.set('2024-06-01T12:00:01Z'); // 1 s at 100/s: the first 101 are due (0 ms … 1000 ms)
    await h.svc.dispatch();
    const counts = async (): Promise<Record<string, number>> =>
      Object.fromEntries(
        (await h.svc.outboxCounts()).filter((c) => c.kind === 'announcement').map((c) => [c.status, c.count]),
      );
    const afterOne = await counts();
    assert.equal((afterOne['sent'] ?? 0) + (afterOne['held'] ?? 0), 101, 'only what the rate allows is handled');

    clock.set('2024-06-01T12:00:10Z');
    await h.svc.dispatch();
    const done = await counts();
    assert.deepEqual(done, { held: 100, sent: 900 });
    await h.sink.waitFor(before + 900);
    clock.set('2024-06-01T13:00:00Z');
    await h.svc.dispatch();
    assert.deepEqual(await counts(), { sent: 1000 });
  });

  it('an announcement to 8 nodes of one operator is news for the operator once, naming the nodes', async () => {
    clock.set('2024-06-01T15:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await h.addNode({ email: 'eight@example.com' }));
    const r = await h.svc.broadcast(
      { ids },
      {
        template: 'announcement',
        data: { title: 'Disk survey', paragraphs: ['Tell us your disks.'], action: 'Answer it.' },
      },
    );
    assert.equal(r.enqueued, 8);
    clock.set('2024-06-01T15:06:00Z');
    await h.svc.dispatch();
    const mine = (): typeof h.sink.received =>
      h.sink.received.filter((m) => m.envelopeTo.includes('eight@example.com'));
    await h.sink.waitFor(h.sink.received.length - mine().length + 1);
    clock.set('2024-06-01T15:30:00Z');
    await h.svc.dispatch();
    assert.equal(mine().length, 1, 'one email');
    const mail = mine()[0]?.parsed;
    assert.equal(mail?.subject, '[test-sat] Disk survey', 'the announcement’s title, not "8 announcements"');
    assert.match(mail?.text ?? '', /^1 notification about 8 of your nodes$/m);
    assert.match(mail?.text ?? '', /Disk survey \(the same for 7 more of your nodes: /);
    const { NodeId } = await import('../../../../src/overlay/node-id.js');
    for (const id of ids) assert.ok(mail?.text?.includes(NodeId.parse(id).short), `names ${id}`);
    for (const id of ids) assert.equal((await h.svc.status(id)).email.hrCounter, 1, 'each node counted once');
  });
});
