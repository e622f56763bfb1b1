/**
 * A pass prepares more groups than it sends at once (their preferences, limits and digests take
 * round trips), and a drain's passes overlap (the next starts while the last groups of the one
 * before are still sending), but the process never has more than `dispatcher.concurrency` sends
 * in flight: that is what the setting promises a receiver.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { registerChannelPlugin } from '../../../../src/channels/registry.js';
import { RecordingSender } from '../../../fakes/channels.js';
import { harness } from '../../../helpers/service.js';

const NODES = 24;
// A receiver that takes 20 ms a message.
const slow = new RecordingSender();
slow.delayMs = 20;
registerChannelPlugin({ name: 'test-slow-receiver', params: z.strictObject({}), create: () => slow });

describe('send concurrency', () => {
  it('overlapping passes have at most `concurrency` sends in flight between them, and deliver everything', async () => {
    const h = await harness({
      channels: { slow: { plugin: 'test-slow-receiver', limits: { maxHr: 100, maxDay: 100, minDelay: '0s' } } },
      hooks: { channels: { 'audit-failed': ['slow'] } },
      // Passes of four groups, so the drain's passes overlap.
      dispatcher: { autoStart: false, batchSize: 4, concurrency: 3 },
    });
    try {
      const ids: string[] = [];
      for (let i = 0; i < NODES; i++)
        ids.push(
          ...(await h.svc.onAuditResult(await h.addNode(), { passed: false, score: 0.9, dqThreshold: 0.96 })).ids,
        );
      assert.equal(ids.length, NODES);
      assert.equal(await h.svc.dispatch(), NODES);
      assert.deepEqual(slow.sent.map((n) => n.id).sort(), [...ids].sort(), 'each sent once');
      assert.equal(slow.maxInFlight, 3, 'three sends in flight at most, and three reached');
    } finally {
      await h.close();
    }
  });
});
