import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClock } from '../helpers/clock.js';
import { startStallingServer, unusedPort } from '../helpers/grpc.js';
import { harness, type Harness } from '../helpers/service.js';
import { randomNodeIdHex } from '../helpers/databases.js';

describe('node endpoint down or stalling', () => {
  const clock = new TestClock('2024-08-02T10:00:00Z');
  let h: Harness;
  let stall: Awaited<ReturnType<typeof startStallingServer>>;
  before(async () => {
    stall = await startStallingServer();
    h = await harness({
      clock: clock.now,
      nodeLog: { deadline: '300ms' },
      dispatcher: { retryBase: '1s' },
      limits: { log: { maxHr: 100, maxDay: 1000, minDelay: '0s' } },
    });
  });
  after(async () => {
    await h.close();
    stall.close();
  });

  it('a dead port and a receiver that never answers are transient: held for retry, not failed', async () => {
    const dead = randomNodeIdHex();
    await h.svc.overlay.upsertNode({ id: dead, address: `127.0.0.1:${await unusedPort()}`, email: 'a@example.com' });
    const stalled = randomNodeIdHex();
    await h.svc.overlay.upsertNode({ id: stalled, address: stall.address, email: 'b@example.com' });
    const d1 = await h.svc.informNodeLog(dead, { type: 'UPTIME_FAILED', level: 'warn', text: 'x' });
    assert.equal(d1.status, 'held');
    assert.match(d1.reason ?? '', /UNAVAILABLE/);
    assert.ok(d1.retryAt && new Date(d1.retryAt) > clock.now());
    const d2 = await h.svc.informNodeLog(stalled, { type: 'UPTIME_FAILED', level: 'warn', text: 'x' });
    assert.equal(d2.status, 'held');
    assert.match(d2.reason ?? '', /DEADLINE_EXCEEDED/);
  });

  it('hook calls do not wait for a stalling node while the dispatcher retries it', async (t) => {
    const stalled = randomNodeIdHex();
    await h.svc.overlay.upsertNode({ id: stalled, address: stall.address, email: 'c@example.com' });
    const busy = await h.reopen({
      clock: clock.now,
      dispatcher: { autoStart: true, interval: '5ms', retryBase: '1ms', retryMax: '1ms' },
    });
    const samples: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      await busy.onContainment(stalled, { contained: i % 2 === 0 });
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    const p99 = samples[98] as number;
    t.diagnostic(
      `hook p50 ${samples[50]?.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, with gRPC calls stalling for 300 ms in the background`,
    );
    assert.ok(p99 < 300, `a hook never waits for the node's deadline (p99 ${p99.toFixed(1)} ms)`);
  });
});
