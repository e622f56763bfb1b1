/**
 * Upgrading to channel instances (migration 6) loses nothing that was waiting: an email and a
 * node-log message queued by the previous version, in its row format, are delivered by this one,
 * to the same recipient and node, with the same ids.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NodeLogServer } from '../../src/node/node-log-server.js';
import { NodeId } from '../../src/overlay/node-id.js';
import { legacyNode, oldDatabase, randomNodeIdHex, upgradedService } from '../helpers/databases.js';
import { scratchDir } from '../helpers/scratch.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';

describe('upgrade to channel instances', () => {
  it('rows queued in the old format are delivered after migration 6', async () => {
    const sink = await startSmtpSink();
    const lines: string[] = [];
    const nodeLog = new NodeLogServer({ sink: (l) => lines.push(l) });
    const address = `127.0.0.1:${await nodeLog.listen()}`;
    const dataDir = join(scratchDir('upgrade'), 'db');
    const hex = randomNodeIdHex();
    const id = NodeId.parse(hex);
    const at = new Date(Date.now() - 60_000);
    try {
      // The previous version's database: migrations 1–5, one pending email and one pending log row.
      await oldDatabase(dataDir, 5, async (pool) => {
        const data = {
          lastContact: 'not recorded',
          ...(await legacyNode(pool, id, address, '1 March 2026, 10:00 UTC')),
        };
        const insert = `INSERT INTO satnotify_outbox (id, channel, group_key, node_id, kind, bypass, payload, title, summary, status, due_at, occurred_at, created_at)
                        VALUES ($1, $2, $3, $4, 'node-offline', false, $5, 'Node offline', $6, 'pending', $7, $7, $7)`;
        await pool.query(insert, [
          'old-email',
          'email',
          'addr:op@example.com',
          id.bytes,
          JSON.stringify({ to: 'op@example.com', template: 'node-offline', data }),
          `Your node ${id.short} is offline`,
          at,
        ]);
        await pool.query(insert, [
          'old-log',
          'log',
          `node:${hex}`,
          id.bytes,
          JSON.stringify({
            address,
            type: 'UPTIME_FAILED',
            level: 'warn',
            title: 'Node offline',
            text: 'Queued before the upgrade.',
          }),
          'Queued before the upgrade.',
          at,
        ]);
      });

      const svc = await upgradedService(dataDir, sink.url);
      try {
        await svc.dispatch();
        assert.equal((await svc.delivery('old-email'))?.status, 'sent');
        assert.equal((await svc.delivery('old-log'))?.status, 'sent');
        assert.equal(sink.received.length, 1);
        assert.equal(sink.received[0]?.envelopeTo[0], 'op@example.com');
        assert.match(sink.received[0]?.parsed.messageId ?? '', /^<old-email@/);
        assert.equal(sink.received[0]?.parsed.headers.get('x-satnotify-node'), id.toString());
        assert.equal(lines.length, 1);
        assert.match(lines[0] ?? '', /UPTIME_FAILED.*Node offline.*Queued before the upgrade\./);
      } finally {
        await svc.close();
      }
    } finally {
      await nodeLog.close();
      await sink.close();
    }
  });
});
