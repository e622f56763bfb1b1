/**
 * Issue 33, retention: a prune racing a dispatcher and a takeover loses nothing. A storm's emails
 * are delivered by a worker process that is killed mid-batch and a second that takes its leases
 * over, while a third process prunes without pause with its clock far enough ahead that every
 * finished row is past its horizon the moment it finishes. Every node hears once, nothing is left
 * open, each node and address is counted once, and the tallies still count every notification.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DAY } from '../../src/config-schema.js';
import { createNotificationService } from '../../src/notification/create.js';
import { tallyChannel } from '../../src/notification/outbox/tally.js';
import { freshPostgresUrl, postgresSkipReason, randomNodeIdHex, openRows } from '../helpers/databases.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { killAndTakeOver } from '../helpers/takeover.js';

const N = 300;

describe('retention racing a dispatcher and its takeover', { skip: postgresSkipReason }, () => {
  let sink: SmtpSink;
  let url: string;
  before(async () => {
    sink = await startSmtpSink({ parse: true, dataDelayMs: 5 });
    url = await freshPostgresUrl('satnotify_prune_race');
  });
  after(() => sink.close());

  it('every notification delivered once and counted, while finished rows are deleted as they finish', async (t) => {
    const service = (clock?: () => Date) =>
      createNotificationService({
        ...(clock && { clock }),
        database: { url },
        smtp: { url: sink.url },
        grouping: { wait: '0s' },
        hooks: { channels: { 'node-offline': ['email'] }, offlineAfter: '0s' },
        guard: { enabled: false }, // every node down at once is these tests' load, not a satellite-side storm
        dispatcher: { autoStart: false },
        retention: { delivered: '1d', feed: '1d', batchSize: 20, every: 0 },
      });
    const svc = await service();
    for (let i = 0; i < N; i++) {
      const id = randomNodeIdHex();
      await svc.overlay.upsertNode({ id, address: '127.0.0.1:1', email: `race${i}@example.com` });
      await svc.onUptimeCheck(id, { ok: false });
    }
    await svc.close();

    const pruner = await service(() => new Date(Date.now() + 2 * DAY));
    let pruning = true;
    let deleted = 0;
    let rounds = 0;
    const prunes = (async () => {
      while (pruning) {
        deleted += (await pruner.prune()).deleted;
        rounds++;
      }
    })();

    const { ids, db } = await killAndTakeOver(url, sink, N);
    pruning = false;
    await prunes;
    deleted += (await pruner.prune()).deleted;
    try {
      const doubled = await db.query<{ subject: string; day_count: number }>(
        `SELECT subject, day_count FROM satnotify_status WHERE channel = 'email' AND day_count <> 1`,
      );
      assert.deepEqual(doubled.rows, [], 'every node and address counted exactly one send');
      assert.equal(await openRows(db), 0, 'nothing left open');
      const left = await db.query<{ n: string }>(`SELECT count(*) AS n FROM satnotify_outbox`);
      assert.equal(Number(left.rows[0]?.n), 0, 'every finished row pruned');
      assert.equal(deleted, N);
      const email = tallyChannel(await pruner.outboxCounts(), 'email');
      assert.equal(email.generated, N, 'pruned rows are still counted');
      assert.equal(email.sent, N);
      t.diagnostic(`${rounds} prune rounds deleted ${deleted} rows while ${N} emails were delivered`);
    } finally {
      await db.end();
      await pruner.close();
    }
    assert.equal(new Set(ids()).size, N, 'all delivered');
    assert.ok(ids().length - N <= 8, 'duplicates bounded by the sends in flight at the kill');
  });
});
