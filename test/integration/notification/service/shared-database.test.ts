import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createNotificationService } from '../../../../src/notification/create.js';
import type { NotificationService } from '../../../../src/notification/service.js';
import { tallyChannel } from '../../../../src/notification/outbox/tally.js';
import { TestClock } from '../../../helpers/clock.js';
import { freshPostgresUrl, postgresSkipReason, randomNodeIdHex } from '../../../helpers/databases.js';
import { startSmtpSink, type SmtpSink } from '../../../helpers/smtp-sink.js';

describe('two services on one real PostgreSQL, both dispatching', { skip: postgresSkipReason }, () => {
  const clock = new TestClock('2024-07-01T10:00:00Z');
  let sink: SmtpSink;
  let a: NotificationService;
  let b: NotificationService;
  before(async () => {
    sink = await startSmtpSink();
    const url = await freshPostgresUrl('satnotify_shared_test');
    const open = (): Promise<NotificationService> =>
      createNotificationService({
        clock: clock.now,
        database: { url, poolSize: 8 },
        smtp: { url: sink.url, maxConnections: 4 },
        limits: {
          email: { maxHr: 3, maxDay: 20, minDelay: '0s' },
          perAddress: { maxHr: 100, maxDay: 100, minDelay: '0s' },
        },
        dispatcher: { autoStart: true, interval: '20ms' },
      });
    a = await open();
    b = await open();
  });
  after(async () => {
    await a.close();
    await b.close();
    await sink.close();
  });

  it('500 notifications for 50 nodes: every allowed one is sent exactly once', async () => {
    const nodes = Array.from({ length: 50 }, () => randomNodeIdHex());
    for (const id of nodes)
      await a.overlay.upsertNode({ id, address: '127.0.0.1:1', email: `op-${id.slice(0, 10)}@example.com` });
    const calls = nodes.flatMap((id) => Array.from({ length: 10 }, (_, i) => ({ id, svc: i % 2 ? a : b })));
    const results = await Promise.all(
      calls.map(({ id, svc }) =>
        svc.informNodeEmail(id, { template: 'version-outdated', data: { version: '1.0.0', minimum: '2.0.0' } }),
      ),
    );
    const sentNow = results.filter((r) => r.status === 'sent').length;
    assert.ok(sentNow <= 150);
    const settle = async (expected: number): Promise<void> => {
      await sink.waitFor(expected, 20_000);
      await new Promise((r) => setTimeout(r, 300)); // anything extra would arrive now
      assert.equal(sink.received.length, expected);
    };
    // This hour: 3 per node go out (singly or in a digest), the rest are held.
    await quiet(a);
    const firstHour = await statusCounts(a);
    assert.equal(firstHour.sentItems + firstHour.heldItems, 500);
    await settle(firstHour.messages);
    for (const id of nodes) assert.ok((await a.status(id)).email.hrCounter <= 3);

    clock.set('2024-07-01T11:00:00Z');
    await Promise.all([a.dispatch(), b.dispatch()]);
    await quiet(a);
    const secondHour = await statusCounts(a);
    assert.equal(secondHour.heldItems, 0, 'all held items left in the next hour');
    assert.equal(secondHour.sentItems, 500);
    await settle(secondHour.messages);
    const ids = sink.received.map((m) => m.parsed.messageId);
    assert.equal(new Set(ids).size, ids.length, 'no Message-ID twice');
  });
});

/** quiet waits until no item is pending (being sent or about to be) on two polls in a row. */
async function quiet(svc: NotificationService): Promise<void> {
  let calm = 0;
  while (calm < 2) {
    await new Promise((r) => setTimeout(r, 100));
    calm = (await svc.outboxCounts()).some((c) => c.status === 'pending') ? 0 : calm + 1;
  }
}

/**
 * statusCounts: items sent (alone or inside a sent digest), items held, and messages that left (email is the only
 * channel here).
 */
async function statusCounts(
  svc: NotificationService,
): Promise<{ sentItems: number; heldItems: number; messages: number }> {
  const t = tallyChannel(await svc.outboxCounts(), 'email');
  return { sentItems: t.sent, heldItems: t.held, messages: t.messages };
}
