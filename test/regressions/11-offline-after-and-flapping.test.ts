/**
 * Issue 11, item 4, on real parts: offline is reported only after checks have failed for
 * hooks.offlineAfter, and a node that keeps going down and up gets one "flapping" notice instead
 * of a message for every change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockedHarness } from '../helpers/service.js';

describe('issue 11: offlineAfter and flapping', () => {
  const { h, clock } = clockedHarness('2024-05-01T00:00:00Z', {
    grouping: { wait: '0s' },
    hooks: { offlineAfter: '1h', flapChanges: 4, flapWindow: '24h', flapStable: '6h' },
    limits: { email: { maxHr: 100, maxDay: 100, minDelay: '0s' }, log: { maxHr: 100, maxDay: 100, minDelay: '0s' } },
  });

  const subjects = (to: string): string[] =>
    h.sink.received.filter((m) => m.envelopeTo.includes(to)).map((m) => m.parsed.subject ?? '');
  async function check(node: string, minute: number, ok: boolean): Promise<void> {
    clock.set(new Date(Date.UTC(2024, 4, 1, 0, minute)).toISOString());
    await h.svc.onUptimeCheck(node, { ok });
    await h.svc.dispatch();
  }

  it('a 40-minute outage is never reported; a 70-minute one is, once, and its recovery', async () => {
    const node = await h.addNode({ email: 'blip@example.com' });
    for (const [m, ok] of [
      [0, false],
      [20, false],
      [40, true],
    ] as const)
      await check(node, m, ok);
    assert.deepEqual(subjects('blip@example.com'), []);
    for (const [m, ok] of [
      [100, false],
      [130, false],
      [160, false],
      [170, true],
    ] as const)
      await check(node, m, ok);
    await h.sink.waitFor(2);
    const got = subjects('blip@example.com');
    assert.equal(got.length, 2, got.join(' | '));
    assert.match(got[0] ?? '', /offline/);
    assert.match(got[1] ?? '', /back online/);
  });

  it('three flapping nodes over six hours: four messages each (off, on, off, flapping), not one per change', async () => {
    const nodes = [
      await h.addNode({ email: 'flap1@example.com' }),
      await h.addNode({ email: 'flap2@example.com' }),
      await h.addNode({ email: 'flap3@example.com' }),
    ];
    const start = 24 * 60; // the next day
    for (let cycle = 0; cycle < 5; cycle++) {
      const t = start + cycle * 75;
      for (const n of nodes) {
        await check(n, t, false);
        await check(n, t + 60, false); // an hour down: offline
        await check(n, t + 70, true); // back
      }
    }
    for (const to of ['flap1@example.com', 'flap2@example.com', 'flap3@example.com']) {
      const got = subjects(to);
      assert.equal(got.length, 4, got.join(' | '));
      assert.match(got[3] ?? '', /keeps going offline and online/);
    }
    const log = h.logLines.map((l) => JSON.parse(l) as { type: string }).filter((l) => l.type === 'NODE_FLAPPING');
    assert.equal(log.length, 3, 'one flapping line in each node log');
  });
});
