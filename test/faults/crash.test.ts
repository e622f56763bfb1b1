import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createNotificationService } from '../../src/notification/create.js';
import { PgStatusStore } from '../../src/notification/limits/pg-store.js';
import { freshPostgresUrl, postgresSkipReason, randomNodeIdHex, openRows } from '../helpers/databases.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { killAndTakeOver } from '../helpers/takeover.js';
import { limits } from '../helpers/limits.js';

const N = 400;

describe('a dispatcher process killed with SIGKILL mid-batch', { skip: postgresSkipReason }, () => {
  let sink: SmtpSink;
  let url: string;
  before(async () => {
    sink = await startSmtpSink({ parse: true, dataDelayMs: 5 });
    url = await freshPostgresUrl('satnotify_crash_test');
  });
  after(() => sink.close());
  /** A service on the test's database that reports offline at once, by email only, and dispatches when told. */
  const emailOnlyService = () =>
    createNotificationService({
      database: { url },
      smtp: { url: sink.url },
      grouping: { wait: '0s' },
      hooks: { channels: { 'node-offline': ['email'] }, offlineAfter: '0s' },
      guard: { enabled: false }, // every node down at once is these tests' load, not a satellite-side storm
      dispatcher: { autoStart: false },
    });

  it('a new process on the same database finishes the work; every notification delivered', async (t) => {
    const svc = await emailOnlyService();
    for (let i = 0; i < N; i++) {
      const id = randomNodeIdHex();
      await svc.overlay.upsertNode({ id, address: '127.0.0.1:1', email: `crash${i}@example.com` });
      await svc.onUptimeCheck(id, { ok: false });
    }
    await svc.close();

    const { atKill, ids, db } = await killAndTakeOver(url, sink, N);
    // The takeover sends on the reservations the killed worker wrote onto its rows: no node is
    // counted twice for its one message, and nothing waits out a MinDelay it never used.
    const doubled = await db.query<{ subject: string; day_count: number }>(
      `SELECT subject, day_count FROM satnotify_status WHERE channel = 'email' AND day_count <> 1`,
    );
    const waiting = await openRows(db);
    await db.end();
    assert.deepEqual(doubled.rows, [], 'every node and address counted exactly one send');
    assert.equal(waiting, 0, 'nothing left held or pending');
    const unique = new Set(ids()).size;
    const duplicates = ids().length - unique;
    t.diagnostic(
      `killed after ${atKill} deliveries; delivered ${unique}/${N}; duplicates ${duplicates} (sends in flight at the kill, re-sent after their 3 s lease with the same Message-ID)`,
    );
    assert.equal(unique, N, 'all delivered');
    assert.ok(duplicates <= 8, `duplicates bounded by the sends in flight at the kill (${duplicates})`);
  });

  it('a reservation whose process died before writing it onto its row is adopted: sent at once, counted once', async () => {
    const svc = await emailOnlyService();
    const pool = new pg.Pool({ connectionString: url, max: 2, options: '-c search_path=satnotify' });
    try {
      const id = randomNodeIdHex();
      const email = `orphan-${id.slice(0, 8)}@example.com`;
      await svc.overlay.upsertNode({ id, address: '127.0.0.1:1', email });
      await svc.onUptimeCheck(id, { ok: false });
      const [item] = await svc.notificationsFor(email);
      assert.ok(item);
      // What a worker killed between its reservations and writing them onto the row leaves behind:
      // both counted for this item, on no row. (Without adoption the item waits out the email MinDelay.)
      const dead = new PgStatusStore(pool);
      for (const subject of [item.nodeId ?? '', `addr:${email}`])
        assert.ok((await dead.reserve({ subject, channel: 'email' }, new Date(), limits(), item.id)).granted);
      const before = sink.received.length;
      await svc.dispatch();
      const [after] = await svc.notificationsFor(email);
      assert.equal(after?.status, 'sent');
      await sink.waitFor(before + 1, 5_000);
      assert.equal(sink.received.filter((m) => m.envelopeTo.includes(email)).length, 1);
      const counts = await pool.query<{ subject: string; day_count: number }>(
        `SELECT subject, day_count FROM satnotify_status WHERE channel = 'email' AND subject IN ($1, $2) ORDER BY subject`,
        [`addr:${email}`, item.nodeId],
      );
      assert.deepEqual(
        counts.rows.map((r) => r.day_count),
        [1, 1],
        'node and address each counted once',
      );
    } finally {
      await pool.end();
      await svc.close();
    }
  });
});
