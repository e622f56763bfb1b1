import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshPostgresUrl, postgresSkipReason } from '../../../helpers/databases.js';
import { TestClock } from '../../../helpers/clock.js';
import { harness, type Harness } from '../../../helpers/service.js';

const TARGETS = [
  { name: 'pglite', skip: undefined, database: () => Promise.resolve(undefined) },
  {
    name: 'postgres',
    skip: postgresSkipReason,
    database: async () => ({ url: await freshPostgresUrl('satnotify_svc_hold_test') }),
  },
];

for (const target of TARGETS) {
  describe(`hold and digest on ${target.name}`, { skip: target.skip }, () => {
    const clock = new TestClock('2024-05-01T10:00:00Z');
    let h: Harness;
    before(async () => {
      const database = await target.database();
      h = await harness({
        clock: clock.now,
        ...(database && { database }),
        limits: { email: { maxHr: 2, maxDay: 50, minDelay: '0s' }, log: { maxHr: 2, maxDay: 50, minDelay: '0s' } },
      });
    });
    after(() => h.close());

    it('10 emails in an hour → 2 sent, 8 held; after a restart, next hour → one digest of all 8 in order', async () => {
      const node = await h.addNode();
      const results = [];
      for (let i = 0; i < 10; i++) {
        clock.set(`2024-05-01T10:${String(i * 5).padStart(2, '0')}:00Z`);
        results.push(
          await h.svc.informNodeEmail(node, {
            template: 'announcement',
            data: { title: `Notice number ${i}`, paragraphs: [`body ${i}`], action: 'none' },
          }),
        );
      }
      assert.deepEqual(
        results.map((r) => r.status),
        ['sent', 'sent', 'held', 'held', 'held', 'held', 'held', 'held', 'held', 'held'],
      );
      assert.equal(results[2]?.reason, 'max-hour');
      assert.equal(results[2]?.retryAt, '2024-05-01T11:00:00.000Z');
      await h.sink.waitFor(2);

      await h.reopen({ clock: clock.now }); // held items survive a restart
      clock.set('2024-05-01T10:59:59Z');
      assert.equal(await h.svc.dispatch(), 0, 'nothing is due before the hour ends');
      clock.set('2024-05-01T11:00:00Z');
      await h.svc.dispatch();
      await h.sink.waitFor(3);
      assert.equal(h.sink.received.length, 3);
      const digest = (h.sink.received[2] as (typeof h.sink.received)[number]).parsed;
      assert.match(digest.subject ?? '', /^\[test-sat\] 8 announcements$/);
      const order = [...(digest.text ?? '').matchAll(/Notice number (\d)/g)].map((m) => Number(m[1]));
      assert.deepEqual(order, [2, 3, 4, 5, 6, 7, 8, 9]);
      assert.deepEqual((await h.svc.status(node)).email.hrCounter, 1);
      await h.svc.dispatch();
      assert.equal(h.sink.received.length, 3, 'nothing sent twice');
    });

    it('offline → online inside the hold reads as one line in the digest; 100 failed checks make one notification', async () => {
      clock.set('2024-05-02T09:00:00Z');
      const node = await h.addNode();
      const sent = h.sink.received.length;
      // Use up this hour's email budget so the hook's notifications are held.
      for (let i = 0; i < 2; i++)
        await h.svc.informNodeEmail(node, {
          template: 'version-outdated',
          data: { version: '1.0.0', minimum: '1.1.0' },
        });
      clock.set('2024-05-02T09:04:00Z');
      const first = await h.svc.onUptimeCheck(node, { ok: false });
      assert.equal(first.notified, true);
      assert.equal(first.ids.length, 2, 'email + log');
      for (let i = 0; i < 99; i++) assert.equal((await h.svc.onUptimeCheck(node, { ok: false })).notified, false);
      clock.set('2024-05-02T09:10:00Z'); // the grouping wait is over: the hour's budget is spent, so it is held
      await h.svc.dispatch();
      clock.set('2024-05-02T09:41:00Z');
      const back = await h.svc.onUptimeCheck(node, { ok: true });
      assert.equal(back.notified, true);
      assert.equal((await h.svc.onUptimeCheck(node, { ok: true })).notified, false);
      clock.set('2024-05-02T09:47:00Z');
      await h.svc.dispatch();
      assert.equal(h.sink.received.length, sent + 2, 'both held during the hour');
      clock.set('2024-05-02T10:00:00Z');
      await h.svc.dispatch();
      await h.sink.waitFor(sent + 3);
      const digest = (h.sink.received.at(-1) as (typeof h.sink.received)[number]).parsed;
      assert.match(digest.text ?? '', /offline from 09:04 UTC to 09:41 UTC \(37 minutes\), back online/);
      assert.doesNotMatch(digest.text ?? '', /Node back online:/, 'the recovery is folded into the offline line');
      const logged = h.logLines.map((l) => JSON.parse(l) as { node: string; type: string; message: string });
      const mine = logged.filter((l) => l.message.includes('offline') || l.type === 'DIGEST');
      assert.ok(mine.length >= 1, 'the node log got the uptime notifications');
    });
  });
}

describe('concurrent hooks for one node on real PostgreSQL', { skip: postgresSkipReason }, () => {
  it('200 concurrent failed checks record exactly one offline notification per channel', async () => {
    const { PG_URL } = await import('../../../helpers/databases.js');
    const h = await harness({ database: { url: PG_URL } });
    try {
      const node = await h.addNode();
      const results = await Promise.all(Array.from({ length: 200 }, () => h.svc.onUptimeCheck(node, { ok: false })));
      assert.equal(results.filter((r) => r.notified).length, 1);
      const ids = results.flatMap((r) => r.ids);
      assert.equal(ids.length, 2, 'one email and one log notification');
    } finally {
      await h.close();
    }
  });
});
