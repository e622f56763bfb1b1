/**
 * Storj's suspensions through the service: onSuspension notifies each suspension and each lifting
 * once, by email (its own template) and in the node's log (its own type, new in the proto).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../../src/errors.js';
import { harness } from '../../../helpers/service.js';

describe('onSuspension', () => {
  it('notifies a suspension and its lifting once each, by email and in the node log, per reason', async () => {
    const h = await harness({
      grouping: { wait: '0s' },
      limits: { email: { minDelay: '0s' }, log: { minDelay: '0s' } },
    });
    try {
      const node = await h.addNode();
      const first = await h.svc.onSuspension(node, { reason: 'unknown-audit', suspended: true });
      const repeat = await h.svc.onSuspension(node, { reason: 'unknown-audit', suspended: true });
      assert.equal(first.notified, true);
      assert.deepEqual(repeat, { notified: false, ids: [] }, 'a repeat is not news');
      await h.svc.dispatch();
      assert.match(h.sink.received.at(-1)?.parsed.subject ?? '', /is suspended for unknown audit errors/);
      assert.match(h.sink.received.at(-1)?.parsed.text ?? '', /GET_AUDIT/);
      assert.match(h.logLines.at(-1) ?? '', /UNKNOWN_AUDIT_SUSPENDED/);

      const lifted = await h.svc.onSuspension(node, { reason: 'unknown-audit', suspended: false });
      assert.equal(lifted.notified, true);
      await h.svc.dispatch();
      assert.match(h.sink.received.at(-1)?.parsed.subject ?? '', /is no longer suspended for unknown audit errors/);
      assert.match(h.logLines.at(-1) ?? '', /UNKNOWN_AUDIT_UNSUSPENDED/);
      assert.match(
        h.logLines.at(-1) ?? '',
        /test-sat: .*\. No action is needed now; watch the node's log for new audit errors\./,
        'the log text names the satellite and reads as sentences',
      );

      assert.equal(
        (await h.svc.onSuspension(node, { reason: 'offline', suspended: true })).notified,
        true,
        'the other reason is its own state',
      );
      await assert.rejects(
        h.svc.onSuspension(node, { reason: 'tired', suspended: true } as never),
        (err: unknown) => err instanceof InvalidInputError && err.field === 'signal.reason',
      );
    } finally {
      await h.close();
    }
  });
});
