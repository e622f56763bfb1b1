/**
 * Issue 34, item 2, on real parts (PGlite and PostgreSQL, SMTP, the node log): a node still offline
 * is reminded a day apart, twice, each reminder saying for how long and what is at stake; the
 * recovery ends them and is told as usual; the next outage is reminded afresh; reminders pass the
 * same limits as any send.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bothDatabases } from '../../../helpers/databases.js';
import { clockedHarness } from '../../../helpers/service.js';

const targets = await bothDatabases('satnotify_reminders_test');

for (const target of targets)
  describe(`reminders of a node still offline (${target.name})`, { skip: target.skip }, () => {
    const { h, clock } = clockedHarness('2024-05-01T00:00:00Z', {
      ...(target.database && { database: target.database }),
      grouping: { wait: '0s' },
      // The contract's form, per kind (the older `reminders: 2, remindAfter` form is the snooze test's).
      hooks: {
        offlineAfter: '1h',
        reminders: { 'node-offline': { after: '24h', max: 2 }, 'unknown-audit-suspended': { max: 0 } },
      },
      limits: { email: { maxHr: 100, maxDay: 100, minDelay: '0s' }, log: { maxHr: 100, maxDay: 100, minDelay: '0s' } },
    });
    const subjects = (to: string): string[] =>
      h.sink.received.filter((m) => m.envelopeTo.includes(to)).map((m) => m.parsed.subject ?? '');
    const texts = (to: string): string[] =>
      h.sink.received.filter((m) => m.envelopeTo.includes(to)).map((m) => m.parsed.text ?? '');
    async function hourly(node: string, fromHour: number, toHour: number, ok: boolean): Promise<void> {
      for (let hour = fromHour; hour <= toHour; hour++) {
        clock.set(new Date(Date.UTC(2024, 4, 1) + hour * 3_600_000).toISOString());
        await h.svc.onUptimeCheck(node, { ok, ...(ok ? {} : { onlineScore: 0.9 }) });
        await h.svc.dispatch();
      }
    }

    it('a three-day outage: the notice, two reminders a day apart saying for how long, then the recovery', async () => {
      const node = await h.addNode({ email: 'three-days@example.com' });
      await hourly(node, 0, 72, false);
      await hourly(node, 73, 73, true);
      await h.sink.waitFor(4);
      const got = subjects('three-days@example.com');
      assert.equal(got.length, 4, got.join(' | '));
      assert.match(got[0] ?? '', /is offline$/);
      assert.match(got[1] ?? '', /has been offline for 25 hours$/, 'a day after the notice (at 1 h)');
      assert.match(got[2] ?? '', /has been offline for 2 days, 1 hour$/);
      assert.match(got[3] ?? '', /back online/);
      const [, first, last] = texts('three-days@example.com');
      assert.match(first ?? '', /offline for 25 hours, since May 1, 2024, 00:00 UTC/);
      assert.match(first ?? '', /If it stays offline for about another 9 days, its online score falls below 0\.600/);
      assert.match(first ?? '', /we will remind you once more/);
      assert.match(last ?? '', /This is the last reminder/);
      const log = h.logLines
        .map((l) => JSON.parse(l) as { type: string; node: string })
        .filter((l) => l.type === 'UPTIME_FAILED');
      assert.equal(log.length, 3, 'the node log hears the notice and both reminders');
    });

    it('the recovery resets them: the next outage is reminded afresh, and a short one not at all', async () => {
      const node = await h.addNode({ email: 'twice@example.com' });
      await hourly(node, 100, 125, false); // 25 h down: notice and one reminder
      await hourly(node, 126, 126, true);
      await hourly(node, 130, 140, false); // 10 h down: notice only
      await hourly(node, 141, 141, true);
      await h.sink.waitFor(5);
      const got = subjects('twice@example.com');
      assert.deepEqual(
        got.map((s) => s.replace(/^\[[^\]]+\] Your node \w+ /, '')),
        ['is offline', 'has been offline for 25 hours', 'is back online', 'is offline', 'is back online'],
        got.join(' | '),
      );
    });

    it('a suspension reported again is reminded a day apart, twice, saying how much time is left; the lifting resets it', async () => {
      const node = await h.addNode({ email: 'suspended@example.com' });
      const day = async (
        d: number,
        suspended: boolean,
        reason: 'offline' | 'unknown-audit' = 'offline',
      ): Promise<void> => {
        clock.set(new Date(Date.UTC(2024, 5, 1) + d * 86_400_000).toISOString());
        await h.svc.onSuspension(node, { reason, suspended, score: 0.55 });
        await h.svc.dispatch();
      };
      for (const d of [0, 0.5, 1, 1.5, 2, 3, 4]) await day(d, true);
      await day(5, false);
      await h.sink.waitFor(4);
      assert.deepEqual(
        subjects('suspended@example.com').map((s) => s.replace(/^\[[^\]]+\] Your node \w+ /, '')),
        [
          'is suspended: online score below 0.600',
          'has been suspended for 24 hours: online score below 0.600',
          'has been suspended for 2 days: online score below 0.600',
          'is no longer suspended for downtime',
        ],
      );
      const [, first, last] = texts('suspended@example.com');
      assert.match(
        first ?? '',
        /About 29 days of the review period are left\. If it stays suspended, we will remind you once more\./,
      );
      assert.match(last ?? '', /About 28 days of the review period are left\. This is the last reminder/);
      // A kind whose reminders are off (max 0) is told once.
      for (const d of [10, 11, 12]) await day(d, true, 'unknown-audit');
      await h.sink.waitFor(5);
      assert.equal(subjects('suspended@example.com').length, 5);
    });
  });

describe('reminders pass the limits like any send (PGlite)', () => {
  const { h, clock } = clockedHarness('2024-05-01T00:00:00Z', {
    grouping: { wait: '0s' },
    hooks: { offlineAfter: '1h', remindAfter: '1h', reminders: 2, channels: { 'node-offline': ['email'] } },
    limits: { email: { maxHr: 1, maxDay: 1, minDelay: '0s' } },
  });

  it('with maxDay 1, the reminders of the day of the notice are held, and leave the next day in one digest', async () => {
    const node = await h.addNode({ email: 'limited@example.com' });
    for (const hour of [20, 21, 22, 23]) {
      clock.set(new Date(Date.UTC(2024, 4, 1, hour)).toISOString());
      await h.svc.onUptimeCheck(node, { ok: false });
      await h.svc.dispatch();
    }
    await h.sink.waitFor(1);
    const day1 = h.sink.received.filter((m) => m.envelopeTo.includes('limited@example.com'));
    assert.equal(day1.length, 1, 'the notice only: the reminders wait for the next day');
    clock.set('2024-05-02T00:30:00Z');
    await h.svc.dispatch();
    await h.sink.waitFor(2);
    const digest = h.sink.received.filter((m) => m.envelopeTo.includes('limited@example.com'))[1];
    // Both reminders repeat one outage: one line, saying how long by the latest, counting both.
    assert.match(digest?.parsed.text ?? '', /still offline, for 3 hours/);
    assert.doesNotMatch(digest?.parsed.text ?? '', /still offline, for 2 hours/);
    assert.match(digest?.parsed.text ?? '', /· 2 notifications ==/);
  });
});
