/**
 * Upgrading to messages worded at send time (migration 9) loses nothing that was waiting: an email
 * queued by the previous version, with its kind as template and its data beside satnotify's own
 * fields, leaves worded for its reader, and the old placeholder reason 'not given' is not shown.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NodeId } from '../../src/overlay/node-id.js';
import { legacyNode, oldDatabase, randomNodeIdHex, upgradedService } from '../helpers/databases.js';
import { scratchDir } from '../helpers/scratch.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';

describe('upgrade to messages worded at send time', () => {
  it('an email queued in the previous format leaves in the new words, without "not given"', async () => {
    const sink = await startSmtpSink();
    const dataDir = join(scratchDir('upgrade-words'), 'db');
    const id = NodeId.parse(randomNodeIdHex());
    const address = '127.0.0.1:28967';
    try {
      await oldDatabase(dataDir, 8, async (pool) => {
        const data = {
          reason: 'not given',
          ...(await legacyNode(pool, id, address, '2026-03-01 10:00 UTC')),
          links: null,
        };
        const payload = {
          level: 'error',
          title: 'Node disqualified',
          text: 'old',
          node: { id: id.toString(), address },
          facts: { reason: 'not given' },
          actions: [],
          email: { to: 'op@example.com', template: 'disqualified', data },
        };
        await pool.query(
          `INSERT INTO satnotify_outbox (id, channel, group_key, node_id, operator, kind, bypass, payload, title, summary, status, due_at, occurred_at, created_at)
           VALUES ('old-dq', 'email', 'email:addr:op@example.com', $1, 'op@example.com', 'disqualified', true, $2, 'Node disqualified', 'old', 'pending', $3, $3, $3)`,
          [id.bytes, JSON.stringify(payload), new Date(Date.now() - 60_000)],
        );
      });

      const svc = await upgradedService(dataDir, sink.url);
      try {
        await svc.dispatch();
        assert.equal((await svc.delivery('old-dq'))?.status, 'sent');
        const mail = sink.received[0]?.parsed;
        assert.equal(mail?.subject, `[Satellite] Your node ${id.short} has been disqualified`);
        assert.match(mail?.text ?? '', /What to do:\n1\. Find what lost or damaged the data/);
        assert.doesNotMatch(mail?.text ?? '', /not given|Reason/);
      } finally {
        await svc.close();
      }
    } finally {
      await sink.close();
    }
  });
});
