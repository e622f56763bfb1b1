import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Database } from '../../../../src/database/connect.js';
import type { StatusStore } from '../../../../src/notification/limits/store.js';
import { MemoryStatusStore } from '../../../../src/notification/limits/memory-store.js';
import { PgStatusStore } from '../../../../src/notification/limits/pg-store.js';
import { TARGETS, uniqueSubject } from '../../../helpers/databases.js';
import { at, limits } from '../../../helpers/limits.js';

for (const target of TARGETS) {
  describe(`PgStatusStore on ${target.name}`, { skip: target.skip }, () => {
    let db: Database;
    let store: StatusStore;
    before(async () => {
      db = await target.open();
      store = new PgStatusStore(db.pool, db.statements);
    });
    after(() => db.close());

    it('grants up to maxHr, then denies with max-hour and the next hour', async () => {
      const key = { subject: uniqueSubject(), channel: 'email' as const };
      const l = limits({ maxHr: 2, maxDay: 5 });
      assert.equal((await store.reserve(key, at('2024-01-01T10:00:00Z'), l)).granted, true);
      assert.equal((await store.reserve(key, at('2024-01-01T10:01:00Z'), l)).granted, true);
      const third = await store.reserve(key, at('2024-01-01T10:02:00Z'), l);
      assert.deepEqual(
        { ...third, status: undefined },
        { granted: false, reason: 'max-hour', retryAt: at('2024-01-01T11:00:00Z'), status: undefined },
      );
      const s = await store.get(key);
      assert.equal(s.hrCounter, 2);
      assert.equal(s.dayCounter, 2);
      assert.deepEqual(s.lastSent, at('2024-01-01T10:01:00Z'));
    });

    it('refund undoes the counters and restores last-sent', async () => {
      const key = { subject: uniqueSubject(), channel: 'log' as const };
      const l = limits({ maxHr: 1, minDelayMs: 60_000 });
      const first = await store.reserve(key, at('2024-01-01T09:00:00Z'), l);
      assert.ok(first.granted);
      const second = await store.reserve(key, at('2024-01-01T10:00:00Z'), l);
      assert.ok(second.granted);
      await store.refund(second.reservation);
      const s = await store.get(key);
      assert.equal(s.hrCounter, 0);
      assert.equal(s.dayCounter, 1);
      assert.deepEqual(s.lastSent, at('2024-01-01T09:00:00Z'));
      assert.equal((await store.reserve(key, at('2024-01-01T10:00:30Z'), l)).granted, true);
    });

    it('a denial writes nothing: the row version stays, and later grants still count', async () => {
      const key = { subject: uniqueSubject(), channel: 'email' as const };
      const l = limits({ maxHr: 1, maxDay: 5, minDelayMs: 60_000 });
      const version = async (): Promise<string> =>
        (
          await db.pool.query<{ v: string }>(
            'SELECT xmin::text AS v FROM satnotify_status WHERE subject = $1 AND channel = $2',
            [key.subject, key.channel],
          )
        ).rows[0]?.v ?? 'none';
      assert.equal((await store.reserve(key, at('2024-01-01T10:00:00Z'), l)).granted, true);
      const granted = await version();
      const denied = await store.reserve(key, at('2024-01-01T10:30:00Z'), l);
      assert.equal(denied.granted, false);
      assert.equal(!denied.granted && denied.reason, 'max-hour');
      assert.equal(denied.status.hrCounter, 1, 'a denial reports the state it was decided on');
      assert.equal(await version(), granted, 'a denial must not rewrite the row');
      const next = await store.reserve(key, at('2024-01-01T11:00:00Z'), l);
      assert.equal(next.granted, true);
      assert.notEqual(await version(), granted);
      assert.equal((await store.get(key)).dayCounter, 2);
    });

    it('a reservation left by its owner is adopted by that owner, once counted; a refunded one is counted anew', async () => {
      const key = { subject: uniqueSubject(), channel: 'email' as const };
      const l = limits({ maxHr: 5, minDelayMs: 15 * 60_000 });
      const first = await store.reserve(key, at('2024-01-01T10:00:00Z'), l, 'item-1');
      assert.ok(first.granted);
      // The process that reserved died before writing it onto item-1's row; its successor asks again.
      const adopted = await store.reserve(key, at('2024-01-01T10:00:05Z'), l, 'item-1');
      assert.deepEqual(
        adopted.granted && adopted.reservation,
        first.reservation,
        'the same reservation, as counted then',
      );
      assert.equal((await store.get(key)).hrCounter, 1, 'counted once');
      const other = await store.reserve(key, at('2024-01-01T10:00:06Z'), l, 'item-2');
      assert.equal(!other.granted && other.reason, 'min-delay', 'another owner is judged by the limits');
      await store.refund(first.reservation);
      const again = await store.reserve(key, at('2024-01-01T10:00:07Z'), l, 'item-1');
      assert.ok(again.granted);
      assert.deepEqual(
        again.reservation.at,
        at('2024-01-01T10:00:07Z'),
        'a refunded reservation is not adopted: a new one is counted',
      );
      assert.equal((await store.get(key)).hrCounter, 1);
    });

    it('maxHr 0 never grants', async () => {
      const key = { subject: uniqueSubject(), channel: 'email' as const };
      const r = await store.reserve(key, at('2024-01-01T10:00:00Z'), limits({ maxHr: 0 }));
      assert.deepEqual(
        { granted: r.granted, reason: !r.granted && r.reason, retryAt: !r.granted && r.retryAt },
        { granted: false, reason: 'max-hour', retryAt: null },
      );
    });

    it('makes the same decisions as the in-memory store for random sequences (property)', async () => {
      const zones = ['UTC', 'Europe/Berlin', 'America/Santiago', 'Asia/Kathmandu'];
      const start = at('2024-10-26T20:00:00Z').getTime(); // spans the Berlin fall-back
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            zone: fc.constantFrom(...zones),
            maxHr: fc.integer({ min: 0, max: 4 }),
            extraDay: fc.integer({ min: 0, max: 4 }),
            minDelayMs: fc.constantFrom(0, 60_000, 15 * 60_000, 90 * 60_000),
            steps: fc.array(
              fc.record({
                gapMs: fc.integer({ min: 0, max: 3 * 3_600_000 }),
                refund: fc.boolean(),
                owner: fc.constantFrom(undefined, 'a', 'b'),
              }),
              { minLength: 1, maxLength: 25 },
            ),
          }),
          async ({ zone, maxHr, extraDay, minDelayMs, steps }) => {
            const l = limits({ timezone: zone, maxHr, maxDay: maxHr + extraDay, minDelayMs });
            const key = { subject: uniqueSubject('prop'), channel: 'email' as const };
            const memory = new MemoryStatusStore();
            let t = start;
            for (const step of steps) {
              t += step.gapMs;
              const now = new Date(t);
              const [a, b] = [
                await memory.reserve(key, now, l, step.owner),
                await store.reserve(key, now, l, step.owner),
              ];
              assert.deepEqual(b, a, `diverged at ${now.toISOString()} in ${zone}`);
              if (a.granted && b.granted && step.refund) {
                await memory.refund(a.reservation);
                await store.refund(b.reservation);
              }
            }
          },
        ),
        { numRuns: target.name === 'pglite' ? 40 : 60 },
      );
    });
  });
}
