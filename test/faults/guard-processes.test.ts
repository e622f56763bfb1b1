/**
 * Issue 34, item 1, across processes: three satellite processes dispatching on one real PostgreSQL
 * meet a storm already recorded (300 of 1,000 nodes offline, due at once). Each counts before its
 * first claim; exactly one turns the guard on and alerts, and no operator email leaves from any.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { createNotificationService } from '../../src/notification/create.js';
import { startTs } from '../helpers/child.js';
import { freshPostgresUrl, postgresSkipReason, sqlClient } from '../helpers/databases.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

const WORKER = fileURLToPath(new URL('../helpers/service-worker.ts', import.meta.url));
const SECRET = `whsec_${Buffer.from('satnotify-guard-processes-0123456').toString('base64')}`;

describe('storm guard: three processes on one PostgreSQL', { skip: postgresSkipReason }, () => {
  let sink: SmtpSink;
  let url: string;
  let server: Server;
  const alerts: unknown[] = [];
  let hookUrl: string;
  before(async () => {
    sink = await startSmtpSink();
    url = await freshPostgresUrl('satnotify_guard_processes_test');
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        alerts.push(new Webhook(SECRET).verify(body, req.headers as Record<string, string>));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ops`;
  });
  after(async () => {
    await sink.close();
    await new Promise((r) => server.close(r));
  });

  it('one alert, one turn-on, no operator email from any of them', async () => {
    const guarded = {
      guard: { offlineShare: 0.1, alert: 'ops', checkEvery: '1s' },
      channels: { ops: { plugin: 'webhook' as const, params: { url: hookUrl, secret: { env: 'OPS_SECRET' } } } },
    };
    const setup = await createNotificationService({
      database: { url },
      smtp: { url: sink.url },
      dispatcher: { autoStart: false },
      grouping: { wait: '0s' },
      hooks: { offlineAfter: '0s' },
      ...guarded,
      env: { OPS_SECRET: SECRET },
    });
    const db = sqlClient(url);
    await db.connect();
    const children: ChildProcess[] = [];
    try {
      const { rows } = await db.query<{ hex: string }>(
        `INSERT INTO nodes (id, address, email, version)
         SELECT decode(md5('p' || i) || md5('q' || i), 'hex'), '127.0.0.1:1', 'op-' || i || '@example.com', '1.60.0'
         FROM generate_series(0, 999) AS i RETURNING encode(id, 'hex') AS hex`,
      );
      const ids = rows.map((r) => r.hex);
      await Promise.all(ids.map((id) => setup.onUptimeCheck(id, { ok: true })));
      // 300 offline notices, recorded and due now, before any process has counted.
      await Promise.all(ids.slice(0, 300).map((id) => setup.onUptimeCheck(id, { ok: false })));
      const env = { ...process.env, OPS_SECRET: SECRET, SATNOTIFY_TEST_GUARD: JSON.stringify(guarded) };
      children.push(...(await Promise.all([0, 1, 2].map(() => startTs(WORKER, ['dispatch', url, sink.url], env)))));
      const deadline = Date.now() + 15_000;
      while (alerts.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 2_000)); // time for a second alert or a stray email, if there were to be one
      assert.equal(alerts.length, 1, 'one alert from three processes');
      assert.equal(sink.received.length, 0, 'no operator email');
      const guard = await db.query<{ active: boolean }>(
        'SELECT active_since IS NOT NULL AS active FROM satnotify_guard',
      );
      assert.equal(guard.rows[0]?.active, true);
      const held = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM satnotify_outbox WHERE kind = 'node-offline' AND status = 'held' AND reason LIKE 'storm guard:%'`,
      );
      assert.equal(held.rows[0]?.n, 600, 'every notice held, on email and the node log');
    } finally {
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
      await db.end();
      await setup.close();
    }
  });
});
