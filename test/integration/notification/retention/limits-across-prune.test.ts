/**
 * Issue 33, retention: the limits stay exact across pruning. Two services on their own databases
 * get the same random calls on the same clock (informNodeEmail and uptime checks, minutes to days
 * apart); one prunes after every call with the shortest horizons, the other never. Every call is
 * answered the same (sent, held, retry time), every node's counters read the same, and the same
 * emails reach each sink: MaxHr, MaxDay, MinDelay and each node's state live outside the rows
 * retention deletes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { HOUR, MINUTE } from '../../../../src/config-schema.js';
import { TestClock } from '../../../helpers/clock.js';
import { harness, type Harness } from '../../../helpers/service.js';

const RUNS = 12;

type Call = { wait: number; node: number; what: 'email' | 'down' | 'up' };

const call = fc.record({
  wait: fc.oneof(fc.integer({ min: 0, max: 20 * MINUTE }), fc.integer({ min: HOUR, max: 3 * 24 * HOUR })),
  node: fc.integer({ min: 0, max: 2 }),
  what: fc.constantFrom<Call['what']>('email', 'email', 'down', 'up'),
});

describe('limits across pruning', () => {
  const clock = new TestClock('2025-03-01T00:00:00Z');
  const options = {
    clock: clock.now,
    grouping: { wait: '0s' },
    limits: { email: { maxHr: 2, maxDay: 4, minDelay: '10m' }, perAddress: { maxHr: 3, maxDay: 5, minDelay: '0s' } },
    hooks: { channels: { 'node-offline': ['email' as const], 'node-online': ['email' as const] } },
  };
  let pruning: Harness;
  let keeping: Harness;
  before(async () => {
    pruning = await harness({ ...options, retention: { delivered: '1d', feed: '1d', batchSize: 10 } });
    keeping = await harness({ ...options, retention: { delivered: '3650d', feed: '3650d' } });
  });
  after(async () => {
    await pruning?.close();
    await keeping?.close();
  });

  it('answers every call the same whether or not finished rows are deleted', async () => {
    let deleted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 5, maxLength: 25 }), async (calls) => {
        clock.advance(30 * 24 * HOUR); // a run starts with every earlier window long closed
        const nodes = await Promise.all(
          [0, 1, 2].map(async (i) => {
            const email = `prop-${Date.now()}-${i}@example.com`;
            const id = await pruning.addNode({ email: i === 2 ? email.replace('-2@', '-1@') : email });
            await keeping.addNode({ id, email: i === 2 ? email.replace('-2@', '-1@') : email });
            return id;
          }),
        );
        for (const c of calls) {
          clock.advance(c.wait);
          // Pruning before the dispatch as well: what waited out a long wait is due, not deletable.
          deleted += (await pruning.svc.prune()).deleted;
          const answers = await Promise.all(
            [pruning, keeping].map(async (h) => {
              await h.svc.dispatch();
              const node = nodes[c.node] as string;
              if (c.what === 'email') {
                const d = await h.svc.informNodeEmail(node, {
                  template: 'announcement',
                  data: { title: 'Maintenance', paragraphs: ['x'], action: 'none' },
                });
                return { status: d.status, reason: d.reason, retryAt: d.retryAt };
              }
              const r = await h.svc.onUptimeCheck(node, { ok: c.what === 'up' });
              await h.svc.dispatch();
              return { notified: r.notified, n: r.ids.length };
            }),
          );
          assert.deepEqual(answers[0], answers[1], `answer to ${JSON.stringify(c)}`);
          deleted += (await pruning.svc.prune()).deleted;
          for (const node of nodes)
            assert.deepEqual(await pruning.svc.status(node), await keeping.svc.status(node), 'counters');
        }
        assert.equal(pruning.sink.received.length, keeping.sink.received.length, 'the same emails left');
      }),
      { numRuns: RUNS },
    );
    assert.ok(deleted > 0, `rows were pruned along the way (${deleted})`);
  });
});
