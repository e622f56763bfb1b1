/**
 * Restarts the real PostgreSQL server in the middle of delivering 1,000 notifications. It runs on
 * its own, after the rest of the suite, because a restart cuts every connection on the server, and
 * only when asked (CI=true or SATNOTIFY_TEST_RESTART_PG=1): a developer's `npm test` must not
 * restart the machine's database behind their back.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createNotificationService } from '../../src/notification/create.js';
import type { NotificationService } from '../../src/notification/service.js';
import { freshPostgresUrl, postgresSkipReason, randomNodeIdHex, sqlClient } from '../helpers/databases.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

const N = 1000;
const canRestart = (() => {
  try {
    return readdirSync('/etc/postgresql').length > 0 ? undefined : 'no local cluster to restart';
  } catch {
    return 'no local cluster to restart (pg_ctlcluster)';
  }
})();

const asked =
  process.env['CI'] === 'true' || process.env['SATNOTIFY_TEST_RESTART_PG'] === '1'
    ? undefined
    : 'restarts the local PostgreSQL; run with SATNOTIFY_TEST_RESTART_PG=1 (CI=true runs it)';

describe(
  'PostgreSQL restart in the middle of 1,000 notifications',
  { skip: asked ?? postgresSkipReason ?? canRestart },
  () => {
    let sink: SmtpSink;
    let svc: NotificationService;
    let url: string;
    before(async () => {
      sink = await startSmtpSink({ parse: true, dataDelayMs: 2 });
      url = await freshPostgresUrl('satnotify_restart_test');
      svc = await createNotificationService({
        database: { url, poolSize: 6 },
        smtp: { url: sink.url },
        grouping: { wait: '0s' },
        hooks: { channels: { 'node-offline': ['email'] }, offlineAfter: '0s' },
        guard: { enabled: false }, // every node down at once is these tests' load, not a satellite-side storm
        dispatcher: { autoStart: false, interval: '20ms', lease: '5s', retryBase: '200ms', retryMax: '2s' },
      });
    });
    after(async () => {
      await svc.close();
      await sink.close();
    });

    it('the pool reconnects: 0 lost, 0 sent twice', async (t) => {
      for (let i = 0; i < N; i++) {
        const id = randomNodeIdHex();
        await svc.overlay.upsertNode({ id, address: '127.0.0.1:1', email: `restart${i}@example.com` });
        await svc.onUptimeCheck(id, { ok: false });
      }
      const dispatcher = (svc as unknown as { dispatch(): Promise<number> }) && svc;
      const loop = (async () => {
        const deadline = Date.now() + 120_000;
        while (new Set(sink.received.map((m) => m.parsed.messageId)).size < N && Date.now() < deadline) {
          await dispatcher.dispatch().catch(() => undefined); // the restart makes passes fail; the next one goes on
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      await sink.waitFor(N / 3, 60_000);
      const version = readdirSync('/etc/postgresql')[0] as string;
      const t0 = performance.now();
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { stdio: 'ignore' });
      const restartMs = performance.now() - t0;
      const atRestart = sink.received.length;
      await loop;
      const ids = sink.received.map((m) => m.parsed.messageId);
      const unique = new Set(ids).size;
      t.diagnostic(
        `restart took ${restartMs.toFixed(0)} ms after ${atRestart} deliveries; delivered ${unique}/${N}, duplicates ${ids.length - unique}`,
      );
      if (unique < N) {
        // Say exactly where each undelivered notification is, so a rare failure can be explained.
        const db = sqlClient(url);
        await db.connect();
        const { rows } = await db.query(
          `SELECT id, status, reason, attempts, ambiguous_attempts, due_at, leased_until, reservations, digest_id FROM satnotify_outbox WHERE status NOT IN ('sent', 'digested') OR (status = 'digested' AND digest_id IN (SELECT id FROM satnotify_outbox WHERE status <> 'sent'))`,
        );
        await db.end();
        for (const r of rows) t.diagnostic(`undelivered: ${JSON.stringify(r)}`);
      }
      assert.equal(unique, N, '0 lost');
      assert.equal(ids.length, N, '0 sent twice');
    });
  },
);
