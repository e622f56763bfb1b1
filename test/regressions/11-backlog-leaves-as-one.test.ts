/**
 * Issue 11, item 9: a backlog does not trickle. Notifications that missed the window they were due
 * in (here: recorded by a process whose dispatcher never reached them) leave together, as one
 * digest per node, when the node may next be sent to.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockedHarness } from '../helpers/service.js';

describe('issue 11: a backlog leaves as one digest, not a run of singles', () => {
  const { h, clock } = clockedHarness('2024-05-01T10:00:00Z', {
    grouping: { wait: '0s' },
    limits: { email: { maxHr: 2, maxDay: 20, minDelay: '0s' }, log: { maxHr: 2, maxDay: 20, minDelay: '0s' } },
  });

  it('five notifications recorded at 10:xx and found at 13:00 leave as one email and one node-log digest', async () => {
    const node = await h.addNode({ email: 'backlog@example.com' });
    const kinds: Array<[string, boolean]> = [
      ['10:00', false],
      ['10:10', true],
      ['10:20', false],
      ['10:30', true],
      ['10:40', false],
    ];
    for (const [at, ok] of kinds) {
      clock.set(`2024-05-01T${at}:00Z`);
      await h.svc.onUptimeCheck(node, { ok }); // recorded; no dispatcher runs (it was closed)
    }
    clock.set('2024-05-01T13:00:00Z');
    await h.svc.dispatch();
    await h.sink.waitFor(1);
    const mails = h.sink.received.filter((m) => m.envelopeTo.includes('backlog@example.com'));
    assert.equal(mails.length, 1, mails.map((m) => m.parsed.subject).join(' | '));
    assert.equal(mails[0]?.parsed.headers.get('x-satnotify-kind'), 'digest');
    const logs = h.logLines.map((l) => JSON.parse(l) as { type: string });
    assert.deepEqual(
      logs.map((l) => l.type),
      ['DIGEST'],
    );
    const status = await h.svc.status(node);
    assert.equal(status.email.hrCounter, 1, 'one message counted');
    assert.equal(status.log.hrCounter, 1);
  });
});
