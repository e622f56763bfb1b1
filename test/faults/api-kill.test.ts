/**
 * Issue 36: killing the API server mid-batch loses no acknowledged hook. `satnotify serve --api`
 * runs as a child process on a real PostgreSQL; a client reports batches of failed uptime checks,
 * each batch about nodes of its own, and notes every batch the server acknowledged. The server is
 * killed with SIGKILL while batches are in flight, started again, and every acknowledged check is
 * found recorded: its node offline, and its notice in the outbox.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiClient, API_TOKEN } from '../helpers/api.js';
import { BIN } from '../helpers/child.js';
import { freshPostgresUrl, postgresSkipReason, randomNodeIdHex, sqlClient } from '../helpers/databases.js';

const BATCH = 50;
// The server reads SATNOTIFY_* variables as configuration: a test runner's own (SATNOTIFY_TEST_…) stay out.
const CHILD_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SATNOTIFY_')));

/** startServe runs `satnotify serve --api` and resolves with the child and the API's port once it listens. */
function startServe(dir: string, url: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--api', '127.0.0.1:0', '--config', join(dir, 'satnotify.json')],
      { env: { ...CHILD_ENV, DATABASE_URL: url, KILL_TEST_API_TOKEN: API_TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      const port = /gRPC API on [\d.]+:(\d+)/.exec(b.toString())?.[1];
      if (port) resolve({ child, port: Number(port) });
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code} before listening: ${err}`)));
  });
}

describe('the API killed mid-batch', { skip: postgresSkipReason }, () => {
  let dir: string;
  let url: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'satnotify-api-kill-'));
    url = await freshPostgresUrl('satnotify_api_kill_test');
    writeFileSync(
      join(dir, 'satnotify.json'),
      JSON.stringify({
        api: { tokens: [{ env: 'KILL_TEST_API_TOKEN' }] },
        hooks: { offlineAfter: '0s' },
        guard: { enabled: false },
        mail: { outboxDir: join(dir, 'mail') },
        nodeLog: { deadline: '200ms' },
      }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loses no acknowledged hook (kill -9, restart, count)', { timeout: 120_000 }, async () => {
    let server = await startServe(dir, url);
    const nodes = Array.from({ length: 40 * BATCH }, () => randomNodeIdHex());
    let c = apiClient(server.port);
    for (let i = 0; i < nodes.length; i += 1000)
      await c.call('UpsertNodes', {
        nodes: nodes
          .slice(i, i + 1000)
          .map((id) => ({ node_id: id, address: '127.0.0.1:1', email: `k-${id.slice(0, 8)}@example.com` })),
      });
    const acknowledged: string[] = [];
    let refused = 0;
    const batches = Array.from({ length: nodes.length / BATCH }, (_, i) => nodes.slice(i * BATCH, (i + 1) * BATCH));
    // Four callers report batches back to back; the server dies under them after the first few.
    let next = 0;
    const caller = async (): Promise<void> => {
      while (next < batches.length) {
        const batch = batches[next++] as string[];
        try {
          await c.call('UptimeChecks', { checks: batch.map((id) => ({ node_id: id, ok: false })) }, 10_000);
          acknowledged.push(...batch);
        } catch {
          refused++;
          return;
        }
      }
    };
    const callers = Array.from({ length: 4 }, caller);
    while (acknowledged.length < 5 * BATCH) await new Promise((r) => setTimeout(r, 10));
    server.child.kill('SIGKILL');
    await Promise.all(callers);
    c.close();
    assert.ok(refused > 0, 'some batches were in flight when the server died');
    assert.ok(acknowledged.length < nodes.length, 'the kill came mid-run');

    server = await startServe(dir, url);
    c = apiClient(server.port);
    try {
      // The restarted server answers, and knows the nodes.
      const status = await c.call<{ channels: Record<string, unknown> }>('GetStatus', { node_id: nodes[0] });
      assert.ok('email' in status.channels);
    } finally {
      c.close();
      server.child.kill('SIGTERM');
      await new Promise((r) => (server.child.exitCode !== null ? r(null) : server.child.once('exit', r)));
    }
    const db = sqlClient(url);
    await db.connect();
    try {
      const offline = await db.query<{ hex: string }>(
        `SELECT encode(node_id, 'hex') AS hex FROM satnotify.satnotify_node_state WHERE offline_since IS NOT NULL`,
      );
      const recorded = new Set(offline.rows.map((r) => r.hex));
      const lost = acknowledged.filter((id) => !recorded.has(id));
      assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged checks lost`);
      const notices = await db.query<{ n: number }>(
        `SELECT count(DISTINCT node_id)::int AS n FROM satnotify.satnotify_outbox
         WHERE kind = 'node-offline' AND node_id = ANY($1::bytea[])`,
        [acknowledged.map((id) => Buffer.from(id, 'hex'))],
      );
      assert.equal(notices.rows[0]?.n, acknowledged.length, 'every acknowledged check has its notice');
      process.stdout.write(
        `# acknowledged ${acknowledged.length} checks before the kill, ${refused} batches cut; all ${acknowledged.length} found after restart\n`,
      );
    } finally {
      await db.end();
    }
  });
});
