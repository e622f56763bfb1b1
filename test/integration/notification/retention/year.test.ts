/**
 * Issue 33, retention: a year of a 25,000-node satellite on a compressed clock, on PGlite and on
 * PostgreSQL. Each day 1% of the nodes have news (by email and to the node log), a fifth of the
 * emails leave folded into digests, two notices stay held all year; retention runs every simulated
 * day as the chore would. The outbox's rows and bytes stop growing once the horizons are reached,
 * the held rows survive, and the tallies and the operators' pruned counts add up to everything
 * recorded.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../../../src/config.js';
import { DAY } from '../../../../src/config-schema.js';
import { openDatabase, type Database } from '../../../../src/database/connect.js';
import type { NewItem } from '../../../../src/notification/outbox/outbox.js';
import { PgOutbox } from '../../../../src/notification/outbox/pg-outbox.js';
import { tallyChannel } from '../../../../src/notification/outbox/tally.js';
import { Retention } from '../../../../src/notification/retention/retention.js';
import { freshPostgresUrl, postgresSkipReason } from '../../../helpers/databases.js';

const NODES = 25_000;
const OPERATORS = 5_000;
const NEWS_PER_DAY = NODES / 100;
const DIGESTS_PER_DAY = 10;
const FOLDED_PER_DIGEST = 5;
const DAYS = 365;
const START = Date.parse('2025-01-01T00:00:00Z');

const TARGETS = [
  { name: 'pglite', skip: undefined, url: () => Promise.resolve('') },
  { name: 'postgres', skip: postgresSkipReason, url: () => freshPostgresUrl('satnotify_retention_year') },
];

/** dayOfNews is one day's notifications: an email (the feed's) and its node-log copy per node with news. */
function dayOfNews(day: number): NewItem[] {
  const at = new Date(START + day * DAY + 9 * 3_600_000);
  const items: NewItem[] = [];
  for (let i = 0; i < NEWS_PER_DAY; i++) {
    const node = ((day * NEWS_PER_DAY + i) % NODES).toString(16).padStart(64, '0');
    const operator = `op${(day * NEWS_PER_DAY + i) % OPERATORS}@example.com`;
    const payload = {
      level: 'warn' as const,
      title: 'Your node is offline',
      text: '',
      node: { id: node, address: `node-${i}.example.net:28967` },
      facts: {},
      actions: [],
      source: { kind: 'node-offline', data: { lastContact: at.toISOString(), checks: 3, note: 'x'.repeat(400) } },
    };
    const email: NewItem = {
      id: randomUUID(),
      channel: 'email',
      groupKey: `email:addr:${operator}`,
      nodeId: node,
      operator,
      kind: 'node-offline',
      bypass: false,
      payload,
      title: payload.title,
      summary: 'Your node is offline',
      dueAt: at,
      occurredAt: at,
      createdAt: at,
      copyOf: null,
    };
    items.push(email, { ...email, id: randomUUID(), channel: 'log', groupKey: `log:node:${node}`, copyOf: email.id });
  }
  for (let d = 0; d < DIGESTS_PER_DAY; d++) {
    const first = items[2 * d * FOLDED_PER_DIGEST] as NewItem;
    items.push({ ...first, id: randomUUID(), kind: 'digest', nodeId: null, copyOf: null, title: 'Digest' });
  }
  return items;
}

for (const target of TARGETS) {
  describe(`a simulated year on ${target.name}`, { skip: target.skip }, () => {
    let db: Database;
    before(async () => {
      const url = await target.url();
      db = await openDatabase(resolveConfig({ database: url ? { url } : { dataDir: 'memory://' } }).database);
    });
    after(() => db.close());

    it('keeps rows and bytes bounded, the held rows, and every count', async (t) => {
      const outbox = new PgOutbox(db.pool, db.statements);
      let now = new Date(START);
      const retention = new Retention({
        outbox,
        config: resolveConfig({}).retention,
        clock: () => now,
      });
      const size = async (): Promise<{ rows: number; bytes: number }> => {
        const { rows } = await db.pool.query<{ rows: string; bytes: string }>(
          `SELECT count(*) AS rows, pg_total_relation_size('satnotify_outbox') AS bytes FROM satnotify_outbox`,
        );
        return { rows: Number(rows[0]?.rows), bytes: Number(rows[0]?.bytes) };
      };
      const samples: Array<{ day: number; rows: number; bytes: number }> = [];
      let held: string[] = [];
      let deleted = 0;
      for (let day = 0; day < DAYS; day++) {
        const items = dayOfNews(day);
        await outbox.insert(items);
        const digests = items.filter((i) => i.kind === 'digest').map((i) => i.id);
        const emails = items.filter((i) => i.channel === 'email' && i.kind !== 'digest').map((i) => i.id);
        // A fifth of the emails leave in digests, the rest alone; on day 0 two stay held for good.
        await db.pool.query(
          `UPDATE satnotify_outbox o SET status = 'digested', digest_id = d.digest
             FROM (SELECT unnest($1::text[]) AS id, unnest($2::text[]) AS digest) d WHERE o.id = d.id`,
          [
            emails.slice(0, DIGESTS_PER_DAY * FOLDED_PER_DIGEST),
            emails
              .slice(0, DIGESTS_PER_DAY * FOLDED_PER_DIGEST)
              .map((_, k) => digests[Math.floor(k / FOLDED_PER_DIGEST)]),
          ],
        );
        if (day === 0) {
          held = emails.slice(-2);
          await db.pool.query(`UPDATE satnotify_outbox SET status = 'held', reason = 'max-day' WHERE id = ANY($1)`, [
            held,
          ]);
        }
        await db.pool.query(
          `UPDATE satnotify_outbox SET status = 'sent', sent_at = created_at WHERE status = 'pending'`,
        );
        now = new Date(START + (day + 1) * DAY);
        const report = await retention.run();
        assert.equal(report.busy, false);
        deleted += report.deleted;
        if (day % 30 === 29 || day === DAYS - 1) samples.push({ day: day + 1, ...(await size()) });
      }
      t.diagnostic(samples.map((s) => `day ${s.day}: ${s.rows} rows, ${(s.bytes / 1e6).toFixed(1)} MB`).join('; '));

      const perDay = { feed: NEWS_PER_DAY + DIGESTS_PER_DAY, copies: NEWS_PER_DAY };
      const bound = 90 * perDay.feed + 30 * perDay.copies + 2;
      const last = samples.at(-1) as { rows: number; bytes: number };
      assert.ok(last.rows <= bound, `rows ${last.rows} within 90 days of news and 30 of copies (${bound})`);
      assert.ok(last.rows >= bound - perDay.feed - perDay.copies, `and nothing newer went (${last.rows})`);
      const settled = samples.filter((s) => s.day >= 120);
      const least = Math.min(...settled.map((s) => s.bytes));
      const most = Math.max(...settled.map((s) => s.bytes));
      assert.ok(most <= least * 1.25, `bytes settle once the horizons are reached (${least}–${most})`);

      const kept = await db.pool.query<{ status: string }>(`SELECT status FROM satnotify_outbox WHERE id = ANY($1)`, [
        held,
      ]);
      assert.deepEqual(
        kept.rows.map((r) => r.status),
        ['held', 'held'],
        'held a year, still there',
      );

      const counts = await outbox.counts();
      const email = tallyChannel(counts, 'email');
      const log = tallyChannel(counts, 'log');
      assert.equal(email.generated, DAYS * NEWS_PER_DAY, 'every email counted, pruned or not');
      assert.equal(email.held, 2);
      assert.equal(email.sent, DAYS * NEWS_PER_DAY - 2, 'digested ones count as sent with their digest');
      assert.equal(email.digests, DAYS * DIGESTS_PER_DAY);
      assert.equal(log.generated, DAYS * NEWS_PER_DAY);
      const pruned = await db.pool.query<{ items: string; operators: string }>(
        `SELECT sum(items) AS items, count(*) AS operators FROM satnotify_pruned_feed`,
      );
      const live = await db.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM satnotify_outbox WHERE channel = 'email' AND kind <> 'digest'`,
      );
      assert.equal(
        Number(pruned.rows[0]?.items) + Number(live.rows[0]?.n),
        DAYS * NEWS_PER_DAY,
        'feeds: kept + pruned = all',
      );
      assert.ok(Number(pruned.rows[0]?.operators) <= OPERATORS, 'one pruned count per operator');
      assert.equal(deleted + last.rows, DAYS * (2 * NEWS_PER_DAY + DIGESTS_PER_DAY));
    });
  });
}
