/**
 * Issue 33, item 4: an email's Date is when it left, not when it was recorded. One that left
 * 3 h 22 m late on a retry said otherwise, and scored as an old message with spam filters. MQTT and
 * webhooks say when they were sent too; the node log's created_at stays the event's time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockedHarness } from '../helpers/service.js';

describe('issue 33: the Date header is the send time', () => {
  const { h, clock } = clockedHarness('2024-05-01T10:00:00Z', { grouping: { wait: '0s' } });

  it('an email that leaves on a retry 3 h 22 m later is dated then', async () => {
    const node = await h.addNode({ email: 'late@example.com' });
    h.sink.script.set('late@example.com', [451]);
    const d = await h.svc.informNodeEmail(node, {
      template: 'audit-failed',
      data: { score: '0.962', threshold: '0.960', distance: '0.002' },
    });
    assert.equal(d.status, 'held', 'the first attempt was refused for now');
    clock.set('2024-05-01T13:22:00Z');
    await h.svc.dispatch();
    const mail = h.sink.received.at(-1)?.parsed;
    assert.equal(mail?.date?.toISOString(), '2024-05-01T13:22:00.000Z');
    assert.match(mail?.text ?? '', /May 1, 2024, 10:00/, 'the message still says when it happened');
  });
});
