/**
 * A background dispatcher whose claims fail (here: a column renamed under it on a real PostgreSQL)
 * counts every failed pass in `satnotify_dispatch_failures_total{stage="pass"}` besides logging
 * it, sends nothing meanwhile, and delivers everything once the database is right again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createNotificationService } from '../../src/notification/create.js';
import type { NotificationService } from '../../src/notification/service.js';
import { freshPostgresUrl, postgresSkipReason, randomNodeIdHex, sqlClient } from '../helpers/databases.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { until } from '../helpers/wait.js';

const NODES = 5;

describe('a background dispatcher whose claims fail', { skip: postgresSkipReason }, () => {
  let sink: SmtpSink;
  let url: string;
  let svc: NotificationService | undefined;
  before(async () => {
    sink = await startSmtpSink();
    url = await freshPostgresUrl('satnotify_broken_claim_test');
  });
  after(async () => {
    await svc?.close();
    await sink.close();
  });

  it('counts each failed pass, sends nothing meanwhile, and delivers all once the database is right', async () => {
    const options = {
      database: { url },
      smtp: { url: sink.url },
      grouping: { wait: '0s' },
      hooks: { channels: { 'node-offline': ['email'] }, offlineAfter: '0s' },
    };
    const setup = await createNotificationService({ ...options, dispatcher: { autoStart: false } });
    for (let i = 0; i < NODES; i++) {
      const id = randomNodeIdHex();
      await setup.overlay.upsertNode({ id, address: '127.0.0.1:1', email: `broken${i}@example.com` });
      await setup.onUptimeCheck(id, { ok: false });
    }
    await setup.close();

    const db = sqlClient(url);
    await db.connect();
    try {
      await db.query('ALTER TABLE satnotify_outbox RENAME COLUMN due_at TO due_at_gone');
      svc = await createNotificationService({ ...options, dispatcher: { autoStart: true, interval: '20ms' } });
      const failedPasses = async (): Promise<number> =>
        (await svc?.metrics.dispatchFailures.get())?.values.find((v) => v.labels.stage === 'pass')?.value ?? 0;
      await until(async () => (await failedPasses()) >= 3, 10_000, 'three failed passes counted');
      assert.equal(sink.received.length, 0, 'nothing sent while claims fail');

      await db.query('ALTER TABLE satnotify_outbox RENAME COLUMN due_at_gone TO due_at');
      await sink.waitFor(NODES);
      await until(
        async () => (await svc?.outboxCounts())?.every((c) => c.status === 'sent') ?? false,
        10_000,
        'every row recorded sent',
      );
      assert.equal(sink.received.length, NODES, 'each delivered once');
    } finally {
      await db.end();
    }
  });
});
