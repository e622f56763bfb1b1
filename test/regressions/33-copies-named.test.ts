/**
 * Found while building retention (issue 33): the feed told a notification's copies on other
 * channels apart by operator, instant, node and kind, so two notices of one kind recorded for one
 * node in the same millisecond read as one, and the feed lost the second. Copies now name the
 * notification they copy (copy_of); a database from before is marked by the old rule, except rows
 * on the same channel, which were never copies.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NodeId } from '../../src/overlay/node-id.js';
import { oldDatabase, randomNodeIdHex, upgradedService } from '../helpers/databases.js';
import { scratchDir } from '../helpers/scratch.js';
import { clockedHarness } from '../helpers/service.js';

describe('issue 33: a notification and its copies', () => {
  const { h } = clockedHarness('2024-05-01T10:00:00Z', { grouping: { wait: '0s' } });

  it('three notices for one node in one millisecond are three feed items; an event’s email and log copy one', async () => {
    const node = await h.addNode({ email: 'same-instant@example.com' });
    for (const title of ['First', 'Second', 'Third'])
      await h.svc.informNodeEmail(node, {
        template: 'announcement',
        data: { title, paragraphs: ['x'], action: 'none' },
      });
    const offline = await h.svc.onUptimeCheck(node, { ok: false });
    assert.equal(offline.ids.length, 2, 'by email and to the node log');
    const feed = await h.svc.feed('same-instant@example.com');
    assert.deepEqual(
      feed.items.map((i) => i.payload.title).sort(),
      [
        'First',
        'Second',
        'Third',
        (feed.items.find((i) => i.kind === 'node-offline') ?? { payload: { title: 'missing' } }).payload.title,
      ].sort(),
    );
    assert.equal(feed.items.length, 4);
  });

  it('an upgraded database marks the old copies and keeps same-channel notices apart', async () => {
    const dir = join(scratchDir('copies'), 'db');
    const id = NodeId.parse(randomNodeIdHex());
    const at = '2024-05-01T10:00:00Z';
    const row = (channel: string, title: string) => [
      randomUUID(),
      channel,
      `${channel}:addr:op@example.com`,
      id.bytes,
      JSON.stringify({ level: 'info', title, text: title, node: null, facts: {}, actions: [] }),
      title,
    ];
    await oldDatabase(dir, 13, async (pool) => {
      for (const r of [
        row('email', 'Event'),
        row('log', 'Event copy'),
        row('email', 'Notice A'),
        row('email', 'Notice B'),
      ])
        await pool.query(
          `INSERT INTO satnotify_outbox (id, channel, group_key, node_id, kind, payload, title, summary, status,
             due_at, occurred_at, created_at, operator)
           VALUES ($1, $2, $3, $4, 'message', $5, $6, $6, 'sent', '${at}', '${at}', '${at}', 'op@example.com')`,
          r,
        );
    });
    const svc = await upgradedService(dir, 'smtp://127.0.0.1:1');
    try {
      const titles = (await svc.feed('op@example.com')).items.map((i) => i.payload.title).sort();
      assert.equal(titles.length, 3, `one item per notification: ${titles.join(', ')}`);
      assert.ok(titles.includes('Notice A') && titles.includes('Notice B'));
      assert.ok(titles.includes('Event') !== titles.includes('Event copy'), 'the event once');
    } finally {
      await svc.close();
    }
  });
});
