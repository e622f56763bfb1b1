import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createNotificationService } from '../../src/notification/create.js';
import { runTs } from '../helpers/child.js';
import { freshPostgresUrl, postgresSkipReason, randomNodeIdHex } from '../helpers/databases.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

const WORKER = fileURLToPath(new URL('../helpers/service-worker.ts', import.meta.url));
const LIMITS = {
  email: { maxHr: 3, maxDay: 10, minDelay: '0s' },
  perAddress: { maxHr: 100, maxDay: 100, minDelay: '0s' },
};

describe('2 processes × 1,000 concurrent informNodeEmail to one node, maxHr 3', { skip: postgresSkipReason }, () => {
  let sink: SmtpSink;
  let url: string;
  before(async () => {
    sink = await startSmtpSink({ parse: true });
    url = await freshPostgresUrl('satnotify_concurrency_test');
  });
  after(() => sink.close());

  it('exactly 3 emails leave this hour, the rest are held, and the next hour one digest holds all of them', async (t) => {
    const node = randomNodeIdHex();
    const now = '2024-09-01T10:00:00.000Z';
    const env = { ...process.env, SATNOTIFY_TEST_NOW: now, SATNOTIFY_TEST_LIMITS: JSON.stringify(LIMITS) };
    const setup = await createNotificationService({
      database: { url },
      smtp: { url: sink.url },
      dispatcher: { autoStart: false },
    });
    await setup.overlay.upsertNode({ id: node, address: '127.0.0.1:1', email: 'busy@example.com' });
    await setup.close();

    const start = String(Date.now() + 2500);
    const tallies = await Promise.all(
      [0, 1].map(() => runTs(WORKER, ['inform', url, sink.url, node, '1000', start], env)),
    );
    const total: Record<string, number> = {};
    for (const out of tallies)
      for (const [k, v] of Object.entries(JSON.parse(out) as Record<string, number>)) total[k] = (total[k] ?? 0) + v;
    // Each call reports what happened to its own notification: three were sent, every other one
    // is held until the next hour (none 'queued': a call waits for the pass another worker holds).
    assert.deepEqual(total, { sent: 3, held: 1997, 'retryAt 2024-09-01T11:00:00.000Z': 1997 });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sink.received.length, 3, 'three messages this hour');

    const later = await createNotificationService({
      clock: () => new Date('2024-09-01T11:00:00Z'),
      database: { url },
      smtp: { url: sink.url },
      limits: LIMITS,
      dispatcher: { autoStart: false },
    });
    // A call may have answered 'held' and its item left soon after inside a concurrent digest, so
    // count what is still held now.
    const held = (await later.outboxCounts()).filter((c) => c.status === 'held').reduce((n, c) => n + c.count, 0);
    const deliveredFirstHour = (await later.outboxCounts())
      .filter((c) => c.kind !== 'digest' && (c.digestStatus ?? c.status) === 'sent')
      .reduce((n, c) => n + c.count, 0);
    assert.equal(deliveredFirstHour, 3, 'three notifications, each its own email');
    assert.equal(held, 1997);
    await later.dispatch();
    await sink.waitFor(4);
    const digest = (sink.received[3] as (typeof sink.received)[number]).parsed;
    assert.match(digest.subject ?? '', new RegExp(`^\\[Satellite\\] ${held.toLocaleString('en')} announcements$`));
    assert.match(digest.text ?? '', new RegExp(`^${held.toLocaleString('en')} notifications about your node`, 'm'));
    const counts = await later.outboxCounts();
    await later.close();
    const open = counts.filter((c) => !['sent', 'digested'].includes(c.status));
    assert.deepEqual(open, [], 'nothing left held or failed');
    t.diagnostic(
      `first hour: ${deliveredFirstHour} items delivered in 3 messages, ${held} held; next hour: 1 digest of ${held}; calls answered ${JSON.stringify(total)}`,
    );
  });
});
