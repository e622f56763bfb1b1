import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockedHarness } from '../helpers/service.js';

function p99(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] as number;
}

describe('SMTP outage, flaky replies and a permanent rejection (real smtp-server)', () => {
  const { h, clock } = clockedHarness('2024-08-01T10:00:00Z', {
    grouping: { wait: '0s' },
    hooks: { channels: { 'node-offline': ['email'] }, offlineAfter: '0s' },
    guard: { enabled: false }, // every node down at once is these tests' load, not a satellite-side storm
    smtp: { maxConnections: 2, connectionTimeout: '2s' },
    dispatcher: { retryBase: '2s', retryMax: '16s', maxAttempts: 12 },
    limits: { email: { maxHr: 10, maxDay: 10, minDelay: '0s' } },
  });

  it('refused, then 421 and 451, then recovered: every notification delivered once, on the backoff, hooks stay fast', async (t) => {
    const nodes: string[] = [];
    for (let i = 0; i < 20; i++) nodes.push(await h.addNode({ email: `flaky${i}@example.com` }));
    for (let i = 0; i < nodes.length; i++) h.sink.script.set(`flaky${i}@example.com`, [451]); // one 451 each at RCPT, once the server answers
    h.sink.refuseConnections = 6; // the next connections get 421 at the greeting

    const hookMs: number[] = [];
    for (const id of nodes) {
      const t0 = performance.now();
      await h.svc.onUptimeCheck(id, { ok: false });
      hookMs.push(performance.now() - t0);
    }
    let passes = 0;
    let early = 0;
    while (h.sink.received.length < 20 && passes < 40) {
      passes++;
      await h.svc.dispatch();
      // Nothing is due again before half the base delay (equal jitter): a pass now must send nothing.
      const before = h.sink.received.length;
      clock.advance(900);
      await h.svc.dispatch();
      early += h.sink.received.length - before;
      clock.advance(20_000);
    }
    await h.sink.waitFor(20);
    const ids = h.sink.received.map((m) => m.parsed.messageId);
    assert.equal(ids.length, 20);
    assert.equal(new Set(ids).size, 20, 'each delivered once');
    assert.equal(early, 0, 'no retry before its backoff');
    const counts = await h.svc.outboxCounts();
    assert.deepEqual(
      counts.map((c) => [c.kind, c.status, c.count]),
      [['node-offline', 'sent', 20]],
    );
    const retried = await h.svc.metrics.notifications.get();
    const retries = retried.values.filter((v) => v.labels['outcome'] === 'retried').reduce((n, v) => n + v.value, 0);
    assert.ok(retries >= 20, `every notification was retried at least once (${retries})`);
    t.diagnostic(
      `delivered 20/20 after ${passes} passes, ${retries} retries, hook p99 ${p99(hookMs).toFixed(2)} ms while SMTP was down`,
    );
  });

  it('550 for one recipient: that one fails with the reply, its quota is refunded, others are unaffected', async () => {
    const bad = await h.addNode({ email: 'gone@example.com' });
    const good = await h.addNode({ email: 'fine@example.com' });
    h.sink.script.set('gone@example.com', [550]);
    const before = h.sink.received.length;
    const d = await h.svc.informNodeEmail(bad, { template: 'disqualified', data: { reason: 'test' } });
    assert.equal(d.status, 'failed');
    assert.match(d.reason ?? '', /550/);
    assert.deepEqual((await h.svc.status(bad)).email, { hrCounter: 0, dayCounter: 0, lastSent: null });
    const ok = await h.svc.informNodeEmail(good, { template: 'disqualified', data: { reason: 'test' } });
    assert.equal(ok.status, 'sent');
    await h.sink.waitFor(before + 1);
    assert.equal((await h.svc.status(good)).email.hrCounter, 1);
  });
});
