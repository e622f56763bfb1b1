/**
 * The dispatcher as a chore, over fakes: a drain runs passes until nothing is due, callers of one
 * group's pass join the one in flight, the background loop delivers what is recorded, and stop()
 * waits for every send in flight.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordingSender } from '../../../fakes/channels.js';
import { fakeDispatch } from '../../../fakes/dispatch.js';
import { until } from '../../../helpers/wait.js';

describe('dispatcher loop (fakes)', () => {
  it('drain runs passes until nothing is due, however many the batch size leaves', async () => {
    const f = fakeDispatch({
      config: { dispatcher: { batchSize: 3 }, hooks: { channels: { 'node-offline': ['log'] } } },
    });
    for (let i = 0; i < 10; i++) await f.record(f.node(), 'node-offline');
    assert.equal(await f.dispatcher.drain(), 10);
    assert.equal((f.log as RecordingSender).sent.length, 10);
    assert.equal(await f.dispatcher.drain(), 0, 'nothing is left');
  });

  it("callers of one group's pass join the one in flight rather than claim it again", async () => {
    const log = new RecordingSender();
    log.delayMs = 30;
    const f = fakeDispatch({ log, config: { hooks: { channels: { 'node-offline': ['log'] } } } });
    const [item] = await f.record(f.node(), 'node-offline');
    const group = item?.groupKey ?? '';
    const first = f.dispatcher.pass(group);
    const second = f.dispatcher.pass(group);
    assert.equal(first, second, 'the same pass');
    assert.equal(await first, 1);
    assert.equal(log.sent.length, 1);
  });

  it('runs in the background once started, and stop() waits for the send in flight', async () => {
    const log = new RecordingSender();
    log.delayMs = 500;
    const f = fakeDispatch({
      log,
      config: { dispatcher: { interval: '10ms' }, hooks: { channels: { 'node-offline': ['log'] } } },
    });
    f.dispatcher.start();
    await f.record(f.node(), 'node-offline');
    await until(() => log.maxInFlight === 1, 5000, 'a send to start');
    assert.equal(log.sent.length, 0, 'stopped while the send is in flight');
    await f.dispatcher.stop();
    assert.equal(log.sent.length, 1, 'stop() returned only after the send finished');
    assert.deepEqual(
      f.outbox.rows.map((r) => r.status),
      ['sent'],
      'and after it was recorded',
    );
  });

  it('a failing pass is logged once per outage, and its end once, while every failure is counted', async () => {
    const lines: Array<[string, string, Record<string, unknown>]> = [];
    const logger = {
      info: (f: Record<string, unknown>, m: string) => void lines.push(['info', m, f]),
      warn: (f: Record<string, unknown>, m: string) => void lines.push(['warn', m, f]),
      error: (f: Record<string, unknown>, m: string) => void lines.push(['error', m, f]),
    };
    const f = fakeDispatch({
      logger,
      config: { dispatcher: { interval: '5ms' }, hooks: { channels: { 'node-offline': ['log'] } } },
    });
    const claim = f.outbox.claim.bind(f.outbox);
    let failures = 0;
    f.outbox.claim = (o) =>
      failures < 20 ? (failures++, Promise.reject(new Error('Connection terminated unexpectedly'))) : claim(o);
    f.dispatcher.start();
    await f.record(f.node(), 'node-offline');
    await until(() => (f.log as RecordingSender).sent.length === 1, 5000, 'the send after the outage');
    await f.dispatcher.stop();
    assert.equal(failures, 20);
    assert.deepEqual(
      lines.filter(([, message]) => message.startsWith('dispatcher')).map(([level, message]) => `${level}: ${message}`),
      [
        'error: dispatcher pass failed; passes go on, logged again when one succeeds or the failure changes',
        'info: dispatcher passes succeed again',
      ],
    );
    assert.equal(lines.find(([, m]) => m === 'dispatcher passes succeed again')?.[2]['failedPasses'], 20);
  });
});
