/**
 * KeyedBatcher: calls of one turn share a batch, one per key and at most `max`; with `inFlight`,
 * calls made while batches run wait and then go together (group commit).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedBatcher } from '../../../src/database/batch.js';

interface Call {
  key: string;
  n: number;
}

/** recorder makes a batcher whose batches take until `release()` and are logged in order. */
function recorder(options: { max?: number; inFlight?: number } = {}): {
  batcher: KeyedBatcher<Call>;
  batches: number[][];
  running: () => number;
  release: () => void;
} {
  const batches: number[][] = [];
  const open: Array<() => void> = [];
  let running = 0;
  let peak = 0;
  const batcher = new KeyedBatcher<Call>({
    keyOf: (c) => c.key,
    max: options.max ?? 100,
    ...(options.inFlight !== undefined && { inFlight: options.inFlight }),
    run: (batch) => {
      batches.push(batch.map((c) => c.n));
      running++;
      peak = Math.max(peak, running);
      return new Promise<void>((resolve) =>
        open.push(() => {
          running--;
          resolve();
        }),
      );
    },
  });
  return { batcher, batches, running: () => peak, release: () => open.splice(0).forEach((f) => f()) };
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('KeyedBatcher', () => {
  it('puts the calls of one turn in one batch, one per key, the same key after its batch has run, in order', async () => {
    const r = recorder();
    for (const [key, n] of [
      ['a', 1],
      ['b', 2],
      ['a', 3],
      ['a', 4],
    ] as const)
      r.batcher.add({ key, n });
    await turn();
    assert.deepEqual(r.batches, [[1, 2]]);
    r.release();
    await turn();
    await turn();
    assert.deepEqual(r.batches, [[1, 2], [3]]);
    r.release();
    await turn();
    await turn();
    assert.deepEqual(r.batches, [[1, 2], [3], [4]]);
  });

  it('caps a batch at max; the rest go in the next batch without waiting for it', async () => {
    const r = recorder({ max: 2 });
    for (let n = 1; n <= 5; n++) r.batcher.add({ key: `k${n}`, n });
    await turn();
    await turn();
    await turn();
    assert.deepEqual(r.batches, [[1, 2], [3, 4], [5]]);
  });

  it('with inFlight 1, calls made while a batch runs wait, then go together as one batch', async () => {
    const r = recorder({ inFlight: 1 });
    r.batcher.add({ key: 'a', n: 1 });
    await turn();
    for (let n = 2; n <= 6; n++) {
      r.batcher.add({ key: `k${n}`, n });
      await turn(); // each arrives on a turn of its own, as a dispatcher's deliveries do
    }
    assert.deepEqual(r.batches, [[1]], 'nothing else starts while the first batch runs');
    r.release();
    await turn();
    await turn();
    assert.deepEqual(r.batches, [[1], [2, 3, 4, 5, 6]]);
    assert.equal(r.running(), 1);
  });

  it('without inFlight, a call on each turn is a batch of its own, all running at once', async () => {
    const r = recorder();
    for (let n = 1; n <= 3; n++) {
      r.batcher.add({ key: `k${n}`, n });
      await turn();
    }
    assert.deepEqual(r.batches, [[1], [2], [3]]);
    assert.equal(r.running(), 3);
  });
});
