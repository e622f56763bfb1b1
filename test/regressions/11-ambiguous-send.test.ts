/**
 * Issue 11, item 6: the SMTP server takes the message but the reply is lost (the connection drops
 * after DATA). The attempt may have delivered, so it stays counted; it is retried a few times with
 * the same Message-ID (at-least-once), never refunded, and never copied a dozen times.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockedHarness } from '../helpers/service.js';

const message = { template: 'announcement', data: { title: 'T', paragraphs: ['p'], action: 'a' } };

describe('issue 11: an ambiguous send keeps its count and is retried a bounded number of times', () => {
  const { h, clock } = clockedHarness('2024-05-01T10:00:00Z', {
    smtp: { socketTimeout: '2s' },
    dispatcher: { retryBase: '1s', retryMax: '1s', maxAmbiguousAttempts: 3 },
    limits: { email: { maxHr: 10, maxDay: 10, minDelay: '0s' } },
  });

  const copies = (to: string): string[] =>
    h.sink.received.filter((m) => m.envelopeTo.includes(to)).map((m) => m.parsed.messageId ?? '');

  it('lost once, then confirmed: sent, two copies with one Message-ID, counted once', async () => {
    const node = await h.addNode({ email: 'once@example.com' });
    h.sink.dropAfterData.set('once@example.com', 1);
    const first = await h.svc.informNodeEmail(node, message);
    assert.equal(first.status, 'held', 'the first attempt is unconfirmed: retried');
    clock.advance(60_000);
    await h.svc.dispatch();
    const ids = copies('once@example.com');
    assert.equal(ids.length, 2);
    assert.equal(new Set(ids).size, 1, 'the same Message-ID, so the copy is recognisable');
    assert.equal((await h.svc.status(node)).email.hrCounter, 1);
    const [entry] = (await h.svc.history({ nodeId: node })).entries;
    assert.deepEqual(
      [entry?.status, entry?.attempts, entry?.ambiguousAttempts],
      ['sent', 2, 1],
      'the support view shows both attempts, one unconfirmed',
    );
  });

  it('lost every time: three copies at most, then failed as "may have been delivered", still counted', async () => {
    const node = await h.addNode({ email: 'always@example.com' });
    h.sink.dropAfterData.set('always@example.com', 1000);
    await h.svc.informNodeEmail(node, message);
    for (let i = 0; i < 6; i++) {
      clock.advance(60_000);
      await h.svc.dispatch();
    }
    assert.equal(copies('always@example.com').length, 3);
    const failed = (await h.svc.outboxCounts()).filter((c) => c.status === 'failed');
    assert.equal(
      failed.reduce((n, c) => n + c.count, 0),
      1,
    );
    assert.equal((await h.svc.status(node)).email.hrCounter, 1, 'not refunded: it may have arrived');
    const [entry] = (await h.svc.history({ nodeId: node })).entries;
    assert.deepEqual([entry?.status, entry?.attempts, entry?.ambiguousAttempts], ['failed', 3, 3]);
    assert.match(entry?.reason ?? '', /may have/);
    h.sink.dropAfterData.delete('always@example.com');
  });
});
