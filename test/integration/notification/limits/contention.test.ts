import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PG_URL, postgresSkipReason, uniqueSubject } from '../../../helpers/databases.js';
import { runTs } from '../../../helpers/child.js';
import { limits } from '../../../helpers/limits.js';

const WORKER = fileURLToPath(new URL('../../../helpers/reserve-worker.ts', import.meta.url));
const PER_PROCESS = 200;

/** race runs 2 OS processes × 200 concurrent reservations for one key and sums their tallies. */
async function race(l: ReturnType<typeof limits>): Promise<Record<string, number>> {
  const subject = uniqueSubject('contention');
  const startAt = String(Date.now() + 1500); // both processes connected and waiting by then
  const now = '2024-05-01T12:00:00.000Z'; // a fixed clock: every reservation at the same instant
  const outs = await Promise.all(
    [0, 1].map(() => runTs(WORKER, [PG_URL, subject, JSON.stringify(l), String(PER_PROCESS), startAt, now])),
  );
  const total: Record<string, number> = {};
  for (const out of outs)
    for (const [k, v] of Object.entries(JSON.parse(out) as Record<string, number>)) total[k] = (total[k] ?? 0) + v;
  return total;
}

describe(
  'reservation contention on real PostgreSQL: 2 processes × 200 concurrent',
  { skip: postgresSkipReason },
  () => {
    it('maxHr 3 → exactly 3 granted, 397 max-hour', async () => {
      assert.deepEqual(await race(limits({ maxHr: 3, maxDay: 100 })), { granted: 3, 'max-hour': 397 });
    });

    it('maxDay 3 → exactly 3 granted, 397 max-day', async () => {
      assert.deepEqual(await race(limits({ maxHr: 3, maxDay: 3 })), { granted: 3, 'max-day': 397 });
    });

    it('minDelay 1m at one fixed instant → exactly 1 granted, 399 min-delay', async () => {
      assert.deepEqual(await race(limits({ maxHr: 100, maxDay: 1000, minDelayMs: 60_000 })), {
        granted: 1,
        'min-delay': 399,
      });
    });
  },
);
