/**
 * A dispatch pass over fakes (in-memory outbox and status store, recording and scripted senders):
 * what is due leaves and is counted, what a limit holds leaves later as one digest, failures end
 * as retry, failed-and-refunded or failed-and-counted, preferences suppress without counting, and
 * sends in flight never exceed `concurrency`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordingSender, ScriptedSender } from '../../../fakes/channels.js';
import { fakeDispatch } from '../../../fakes/dispatch.js';

const HOUR = 3_600_000;
const statuses = (rows: ReadonlyArray<{ channel: string; status: string }>, channel: string): string[] =>
  rows.filter((r) => r.channel === channel).map((r) => r.status);

describe('dispatch pass (fakes)', () => {
  it('delivers what is due on each instance its kind goes to, marks it sent and counts it', async () => {
    const f = fakeDispatch();
    const node = f.node();
    await f.record(node, 'node-offline', { lastContact: '2024-05-01T09:00:00Z' });
    assert.equal(await f.dispatcher.drain(), 2);
    const [email] = (f.email as RecordingSender).sent;
    assert.equal(email?.kind, 'node-offline');
    assert.match(
      email?.email?.data['m'] ? JSON.stringify(email.email.data['m']) : '',
      /offline/i,
      'the email is worded when it leaves',
    );
    assert.equal((f.log as RecordingSender).sent.length, 1);
    assert.deepEqual(
      f.outbox.rows.map((r) => r.status),
      ['sent', 'sent'],
    );
    assert.equal((await f.status.get({ subject: node.id.hex, channel: 'email' })).hrCounter, 1);
  });

  it('holds what MaxHr denies until the next hour, then sends the backlog as one digest', async () => {
    const f = fakeDispatch({ config: { limits: { email: { maxHr: 1, maxDay: 10, minDelay: '0s' } } } });
    const node = f.node();
    await f.record(node, 'node-offline');
    f.clock.advance(60_000);
    await f.record(node, 'audit-failed', { score: '0.961', threshold: '0.960', distance: '0.001' });
    await f.record(node, 'containment-entered');
    await f.dispatcher.drain();
    const email = f.email as RecordingSender;
    assert.deepEqual(
      email.sent.map((n) => n.kind),
      ['node-offline'],
    );
    const held = f.outbox.rows.filter((r) => r.channel === 'email' && r.status === 'held');
    assert.equal(held.length, 2);
    assert.ok(
      held.every((r) => r.dueAt.toISOString() === '2024-05-01T11:00:00.000Z'),
      'held until the next calendar hour',
    );
    f.clock.advance(HOUR);
    await f.dispatcher.drain();
    assert.deepEqual(
      email.sent.map((n) => n.kind),
      ['node-offline', 'digest'],
    );
    assert.equal(email.sent[1]?.digest?.count, 2);
    assert.deepEqual(statuses(f.outbox.rows, 'email').sort(), ['digested', 'digested', 'sent', 'sent']);
  });

  it('retries a transient failure on the same reservation: delivered once, counted once', async () => {
    const sender = new ScriptedSender([{ permanent: false }, { permanent: false }]);
    const f = fakeDispatch({ email: sender });
    const node = f.node();
    await f.record(node, 'node-offline');
    await f.dispatcher.drain();
    const [row] = f.outbox.rows.filter((r) => r.channel === 'email');
    assert.equal(row?.status, 'retry');
    assert.equal(row?.attempts, 1);
    assert.ok(row?.reservations?.length, 'the retry keeps its reservation');
    for (let i = 0; i < 2; i++) {
      f.clock.advance(HOUR);
      await f.dispatcher.drain();
    }
    assert.equal(sender.attempts.length, 3);
    assert.equal(sender.sent.length, 1);
    assert.equal(new Set(sender.attempts.map((n) => n.id)).size, 1, 'every attempt carries the same id');
    assert.deepEqual(statuses(f.outbox.rows, 'email'), ['sent']);
    assert.equal((await f.status.get({ subject: node.id.hex, channel: 'email' })).dayCounter, 1);
  });

  it('a permanent failure is final, with the reason, and its count is refunded', async () => {
    const f = fakeDispatch({ email: new ScriptedSender([{ permanent: true, responseCode: 550 }]) });
    const node = f.node();
    await f.record(node, 'node-offline');
    await f.dispatcher.drain();
    const [row] = f.outbox.rows.filter((r) => r.channel === 'email');
    assert.equal(row?.status, 'failed');
    assert.match(row?.reason ?? '', /refused/);
    assert.equal(row?.attempts, 1, 'the one attempt is counted');
    const s = await f.status.get({ subject: node.id.hex, channel: 'email' });
    assert.deepEqual([s.hrCounter, s.dayCounter, s.lastSent], [0, 0, null]);
  });

  it('an attempt that may have arrived is retried a bounded number of times and stays counted', async () => {
    const sender = new ScriptedSender([
      { permanent: false, ambiguous: true },
      { permanent: false, ambiguous: true },
      { permanent: false, ambiguous: true },
      { permanent: false, ambiguous: true },
    ]);
    const f = fakeDispatch({ email: sender, config: { dispatcher: { maxAmbiguousAttempts: 3 } } });
    const node = f.node();
    await f.record(node, 'node-offline');
    for (let i = 0; i < 5; i++) {
      await f.dispatcher.drain();
      f.clock.advance(HOUR);
    }
    assert.equal(sender.attempts.length, 3);
    const [row] = f.outbox.rows.filter((r) => r.channel === 'email');
    assert.equal(row?.status, 'failed');
    assert.match(row?.reason ?? '', /may have been delivered, unconfirmed after 3 attempts/);
    // One count everywhere (issue 40): the row says the attempts its reason says.
    assert.deepEqual([row?.attempts, row?.ambiguousAttempts], [3, 3]);
    assert.equal((await f.status.get({ subject: node.id.hex, channel: 'email' })).dayCounter, 1);
  });

  it("suppresses what the operator's filters leave out: nothing sent, nothing counted", async () => {
    const f = fakeDispatch();
    const node = f.node();
    await f.preferences.update(node.email, { filters: { log: [] } });
    await f.record(node, 'node-offline');
    await f.dispatcher.drain();
    assert.equal((f.log as RecordingSender).sent.length, 0);
    assert.deepEqual(statuses(f.outbox.rows, 'log'), ['suppressed']);
    assert.equal((await f.status.get({ subject: node.id.hex, channel: 'log' })).hrCounter, 0);
    assert.equal((f.email as RecordingSender).sent.length, 1, 'email still goes');
  });

  it('never has more than dispatcher.concurrency sends in flight', async () => {
    const email = new RecordingSender();
    email.delayMs = 20;
    const f = fakeDispatch({
      email,
      config: { dispatcher: { concurrency: 2 }, hooks: { channels: { 'node-offline': ['email'] } } },
    });
    for (let i = 0; i < 10; i++) await f.record(f.node(), 'node-offline');
    await f.dispatcher.drain();
    assert.equal(email.sent.length, 10);
    assert.equal(email.maxInFlight, 2);
  });
});
