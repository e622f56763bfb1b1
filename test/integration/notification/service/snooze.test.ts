/**
 * Issue 34, item 3 (its core), on real parts (PGlite and PostgreSQL, SMTP, the node log): an
 * operator moving a node snoozes it for 8 hours; nothing reaches them meanwhile, what happened
 * leaves in one digest when the snooze ends, reminders pause, a disqualification never waits, and
 * bad input is refused naming the field.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../../src/errors.js';
import { bothDatabases } from '../../../helpers/databases.js';
import { clockedHarness } from '../../../helpers/service.js';

const HOUR = 3_600_000;
const targets = await bothDatabases('satnotify_snooze_test');

for (const target of targets)
  describe(`snooze (${target.name})`, { skip: target.skip }, () => {
    const { h, clock } = clockedHarness('2024-05-01T00:00:00Z', {
      ...(target.database && { database: target.database }),
      grouping: { wait: '0s' },
      hooks: { offlineAfter: '1h', remindAfter: '2h', reminders: 2 },
      limits: { email: { maxHr: 100, maxDay: 100, minDelay: '0s' }, log: { maxHr: 100, maxDay: 100, minDelay: '0s' } },
    });
    const mail = (to: string): Array<{ subject: string; text: string }> =>
      h.sink.received
        .filter((m) => m.envelopeTo.includes(to))
        .map((m) => ({ subject: m.parsed.subject ?? '', text: m.parsed.text ?? '' }));
    const at = (hours: number): string => new Date(Date.parse('2024-05-01T00:00:00Z') + hours * HOUR).toISOString();
    async function check(node: string, hours: number, ok: boolean): Promise<void> {
      clock.set(at(hours));
      await h.svc.onUptimeCheck(node, { ok });
      await h.svc.dispatch();
    }

    it('a snoozed 8-hour move: no email during it, one digest when it ends, reminders paused', async () => {
      const node = await h.addNode({ email: 'mover@example.com' });
      clock.set(at(0));
      assert.deepEqual(await h.svc.snooze(node, { until: at(8), reason: 'moving the node' }), {
        until: new Date(at(8)),
        untilBack: false,
      });
      for (let hour = 0; hour <= 7; hour++) await check(node, hour, false); // offline at 1 h; reminders would be due at 2 h and 4 h
      await check(node, 7.5, true);
      assert.deepEqual(mail('mover@example.com'), [], 'nothing during the snooze');
      clock.set(at(8));
      await h.svc.dispatch();
      await h.sink.waitFor(1);
      const got = mail('mover@example.com');
      assert.equal(got.length, 1, got.map((m) => m.subject).join(' | '));
      assert.match(got[0]?.text ?? '', /offline from 01:00 UTC to 07:30 UTC \(6 hours, 30 minutes\), back online/);
      assert.doesNotMatch(got[0]?.text ?? '', /has been offline for/, 'no reminder was made while snoozed');
    });

    it('what a snooze held moves with it: later when extended, at once when ended', async () => {
      const node = await h.addNode({ email: 'changed@example.com' });
      clock.set(at(50));
      await h.svc.snooze(node, { until: at(54) });
      await check(node, 50, false);
      await check(node, 51, false); // offline: held until 54 h
      await h.svc.snooze(node, { until: at(58) }); // extended
      await check(node, 55, false);
      assert.deepEqual(mail('changed@example.com'), [], 'not at the first end: the snooze was extended');
      clock.set(at(56));
      await h.svc.unsnooze(node); // ended early
      await h.svc.dispatch();
      await h.sink.waitFor(1);
      const got = mail('changed@example.com');
      assert.equal(got.length, 1);
      assert.match(got[0]?.subject ?? '', /is offline$/, 'the held notice leaves when the snooze ends');
    });

    it('"until it is back": held while down; the recovery ends it, and all leaves as one digest', async () => {
      const node = await h.addNode({ email: 'back@example.com' });
      await check(node, 100, false); // its checks fail: the operator knows why
      const s = await h.svc.snooze(node, { until: 'back', reason: 'replacing the disk' });
      assert.deepEqual(s, { until: new Date(at(100 + 24 * 7)), untilBack: true }, 'at most hooks.snoozeMax');
      for (let hour = 100; hour <= 104; hour++) await check(node, hour, false); // offline at 101 h, a reminder at 103 h paused
      assert.deepEqual(mail('back@example.com'), [], 'nothing while it is down');
      await check(node, 105, true);
      await h.sink.waitFor(1);
      const got = mail('back@example.com');
      assert.equal(got.length, 1, got.map((m) => m.subject).join(' | '));
      assert.match(
        got[0]?.text ?? '',
        /offline from .* to .*, back online/,
        'the outage and its end, in one line of one email',
      );
      await check(node, 106, false);
      await check(node, 107, false);
      await h.sink.waitFor(2);
      assert.match(
        mail('back@example.com')[1]?.subject ?? '',
        /is offline$/,
        'the snooze ended: the next outage is told',
      );
    });

    it('"until it is back" is refused for a node that is online, naming the field, and snoozes nothing', async () => {
      const node = await h.addNode({ email: 'up@example.com' });
      clock.set(at(200));
      await assert.rejects(
        h.svc.snooze(node, { until: 'back' }),
        (e: unknown) =>
          e instanceof InvalidInputError && /options\.until: 'back' is for a node that is offline now/.test(e.message),
      );
      await check(node, 201, false);
      await check(node, 202, false);
      await h.sink.waitFor(1);
      assert.match(mail('up@example.com')[0]?.subject ?? '', /is offline$/, 'not snoozed');
    });

    it('a disqualification never waits', async () => {
      const node = await h.addNode({ email: 'dq@example.com' });
      clock.set(at(20));
      await h.svc.snooze(node, { until: at(30) });
      await h.svc.onDisqualified(node, { reason: 'audit-score', score: 0.95 });
      await h.svc.dispatch();
      await h.sink.waitFor(1);
      assert.match(mail('dq@example.com')[0]?.subject ?? '', /disqualified/);
    });

    it('refuses a time past, too far ahead or not a time, and an unknown node, leaving nothing snoozed', async () => {
      const node = await h.addNode({ email: 'bad@example.com' });
      clock.set(at(40));
      for (const [until, why] of [
        [at(39), /options\.until: must be in the future/],
        [at(40 + 24 * 8), /options\.until: must be at most 168 h ahead/],
        ['tomorrow', /options\.until/],
      ] as const)
        await assert.rejects(
          h.svc.snooze(node, { until }),
          (e: unknown) => e instanceof InvalidInputError && why.test(e.message),
        );
      await assert.rejects(h.svc.snooze('00'.repeat(32), { until: at(41) }));
      await check(node, 40, false);
      await check(node, 41, false);
      await h.sink.waitFor(1);
      assert.match(mail('bad@example.com')[0]?.subject ?? '', /is offline$/, 'not snoozed: told at once');
    });
  });
