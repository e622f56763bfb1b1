/**
 * Issue 11, item 1: an operator with 2,000 nodes that fail together still hears about it. The
 * grouped email lists the worst nodes within its line budget, summarises the rest by kind, and
 * leaves; every node and the operator's address count exactly one send.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_DIGEST_LINES } from '../../src/notification/digest/select.js';
import { tallyChannel } from '../../src/notification/outbox/tally.js';
import { TestClock } from '../helpers/clock.js';
import { randomNodeIdHex } from '../helpers/databases.js';
import { harness, type Harness } from '../helpers/service.js';

const NODES = 2000;

describe('issue 11: a grouped email of any size leaves', () => {
  const clock = new TestClock('2024-05-01T10:00:00Z');
  let h: Harness;
  before(async () => {
    h = await harness({ clock: clock.now, hooks: { channels: { 'node-offline': ['email'] } } });
  });
  after(() => h.close());

  it(`${NODES} nodes of one operator go offline together: one email, the rest summarised, counters true`, async () => {
    const ids = Array.from({ length: NODES }, () => randomNodeIdHex());
    for (const id of ids)
      await h.svc.overlay.upsertNode({ id, address: `n${id.slice(0, 8)}.example:28967`, email: 'big@example.com' });
    await Promise.all(ids.map((id) => h.svc.onUptimeCheck(id, { ok: false })));
    clock.set('2024-05-01T10:06:00Z'); // past the grouping wait
    await h.svc.dispatch();
    await h.sink.waitFor(1);
    assert.equal(h.sink.received.length, 1);
    const mail = h.sink.received[0]!;
    assert.ok(mail.raw.length < 1024 * 1024, `${mail.raw.length} bytes`);
    const text = mail.parsed.text ?? '';
    const listed = (text.match(/^ {2}- \w{12} \(\S+\) · /gm) ?? []).length;
    assert.equal(listed, MAX_DIGEST_LINES, `${listed} lines listed`);
    assert.match(
      mail.parsed.subject ?? '',
      new RegExp(`^\\[test-sat\\] ${NODES.toLocaleString('en')} nodes offline$`),
      'the subject counts every node, listed or not',
    );
    assert.match(
      text,
      new RegExp(`^${NODES.toLocaleString('en')} notifications about ${NODES.toLocaleString('en')} of your nodes`, 'm'),
    );
    assert.match(
      text,
      new RegExp(
        `${(NODES - listed).toLocaleString('en')} more notifications about ${(NODES - listed).toLocaleString('en')} more nodes are not listed`,
      ),
    );
    assert.match(text, new RegExp(`Node offline: ${NODES - listed}`));
    const email = tallyChannel(await h.svc.outboxCounts(), 'email');
    assert.deepEqual(
      { sent: email.sent, failed: email.failed, held: email.held, messages: email.messages },
      { sent: NODES, failed: 0, held: 0, messages: 1 },
    );
    for (const id of [ids[0]!, ids[NODES - 1]!]) assert.equal((await h.svc.status(id)).email.dayCounter, 1);
  });
});
