/**
 * Issue 11, items 2 and 3, on real parts (PGlite, SMTP sink, node-log server over gRPC):
 * a disqualified node hears nothing more from the hooks, and an offline notice names the last
 * successful contact the satellite actually saw.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockedHarness } from '../helpers/service.js';

describe('issue 11: after disqualification, silence; last contact as seen', () => {
  const { h, clock } = clockedHarness('2024-05-01T08:00:00Z', {
    grouping: { wait: '0s' },
    limits: { email: { maxHr: 100, maxDay: 100, minDelay: '0s' }, log: { maxHr: 100, maxDay: 100, minDelay: '0s' } },
  });

  const sentTo = (to: string): string[] =>
    h.sink.received.filter((m) => m.envelopeTo.includes(to)).map((m) => m.parsed.subject ?? '');

  it('hooks after onDisqualified record their news as suppressed: nothing sent, nothing counted', async () => {
    const node = await h.addNode({ email: 'dq@example.com' });
    clock.set('2024-05-01T09:11:00Z');
    assert.equal((await h.svc.onDisqualified(node, { reason: 'audit failure' })).notified, true);
    await h.svc.dispatch();
    await h.sink.waitFor(1);
    const counted = await h.svc.status(node);
    const logged = h.logLines.length;

    clock.set('2024-05-01T09:21:00Z');
    const results = [
      await h.svc.onUptimeCheck(node, { ok: false }),
      await h.svc.onVersionCheck(node, { version: '1.60.0', minimum: '1.68.0' }),
      await h.svc.onContainment(node, { contained: true }),
      await h.svc.onAuditResult(node, { passed: false, score: 0.5, dqThreshold: 0.96 }),
    ];
    for (const r of results) {
      assert.equal(r.notified, false);
      assert.ok(r.ids.length > 0, 'the news is still recorded (for the feed), as suppressed');
    }
    clock.set('2024-05-01T12:00:00Z');
    await h.svc.dispatch();
    assert.deepEqual(
      sentTo('dq@example.com').length,
      1,
      `only the disqualification email: ${sentTo('dq@example.com').join(' | ')}`,
    );
    assert.equal(h.logLines.length, logged, 'nothing more in the node log');
    assert.deepEqual(await h.svc.status(node), counted, 'no counter moved');
    const tally = (await h.svc.outboxCounts())
      .filter((c) => c.status === 'suppressed')
      .reduce((n, c) => n + c.count, 0);
    assert.ok(tally >= 8, `8 suppressed items (4 kinds × email and log), got ${tally}`);
    assert.equal(
      (await h.svc.informNodeLog(node, { type: 'CUSTOM', level: 'info', text: 'explicit' })).status,
      'sent',
      'what the satellite sends explicitly still goes',
    );
  });

  it('what was waiting about the node when it is disqualified goes quiet too', async () => {
    const node = await h.addNode({ email: 'dq2@example.com' });
    await h.reopen({ clock: clock.now, grouping: { wait: '5m' } });
    clock.set('2024-05-02T10:00:00Z');
    await h.svc.onUptimeCheck(node, { ok: false }); // its email waits 5 minutes for grouping
    await h.svc.onDisqualified(node, { reason: 'audit failure' });
    clock.set('2024-05-02T10:30:00Z');
    await h.svc.dispatch();
    await h.sink.waitFor(1);
    const subjects = sentTo('dq2@example.com');
    assert.equal(subjects.length, 1, subjects.join(' | '));
    assert.match(subjects[0] ?? '', /disqualified/i);
    await h.reopen({ clock: clock.now, grouping: { wait: '0s' } });
  });

  it('an offline notice names the last successful check, not the node record as first seen', async () => {
    const node = await h.addNode({ email: 'contact@example.com' });
    for (const [at, ok] of [
      ['04:53', true],
      ['07:00', false],
      ['08:21', true],
      ['09:50', true],
      ['10:00', false],
    ] as const) {
      clock.set(`2024-05-03T${at}:00Z`);
      await h.svc.onUptimeCheck(node, { ok });
      await h.svc.dispatch();
    }
    await h.sink.waitFor(3);
    const offline = h.sink.received.filter(
      (m) => m.envelopeTo.includes('contact@example.com') && /offline/i.test(m.parsed.subject ?? ''),
    );
    assert.equal(offline.length, 2);
    assert.match(offline[0]?.parsed.text ?? '', /last successful contact was on May 3, 2024, 04:53 UTC/);
    assert.match(offline[1]?.parsed.text ?? '', /last successful contact was on May 3, 2024, 09:50 UTC/);
    assert.equal((await h.svc.overlay.get(node)).lastContactSuccess?.toISOString(), '2024-05-03T09:50:00.000Z');
  });
});
