/**
 * Issue 33, item 7: an operator's data rights, on PGlite and PostgreSQL. Export gives everything
 * kept about them; erase leaves nothing of the address in any text column of any table satnotify
 * keeps (searched, not assumed), keeps the counts the limits and tallies need, makes their old
 * links fail, and a send in flight is left for a second run. The CLI does the same.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { resolveConfig } from '../../../src/config.js';
import { openDatabase, type Database } from '../../../src/database/connect.js';
import { PgNodeStateStore } from '../../../src/notification/hooks/pg-node-state.js';
import { PgStatusStore } from '../../../src/notification/limits/pg-store.js';
import { tallyChannel } from '../../../src/notification/outbox/tally.js';
import { PgOutbox } from '../../../src/notification/outbox/pg-outbox.js';
import { NodeId } from '../../../src/overlay/node-id.js';
import { PgOverlay } from '../../../src/overlay/pg-overlay.js';
import { PgPreferenceStore } from '../../../src/preferences/pg-store.js';
import { TestClock } from '../../helpers/clock.js';
import { freshPostgresUrl, postgresSkipReason } from '../../helpers/databases.js';
import { scratchDir } from '../../helpers/scratch.js';
import { webHarness, type WebHarness } from '../../helpers/web.js';

const TARGETS = [
  {
    name: 'pglite',
    skip: undefined,
    database: () => Promise.resolve({ dataDir: join(scratchDir('operators'), 'db') }),
  },
  {
    name: 'postgres',
    skip: postgresSkipReason,
    database: async () => ({ url: await freshPostgresUrl('satnotify_operators_test') }),
  },
];

const ADDRESS = 'Erin.Erase@Example.org';
const announce = (title: string) => ({
  template: 'announcement',
  data: { title, paragraphs: [`Dear ${ADDRESS}, this is about your nodes.`], action: 'none' },
});

/** textColumns lists every text-like column of every table in the schema, so the search misses none. */
async function everyTextContaining(query: (sql: string) => Promise<pg.QueryResult>, needle: string): Promise<string[]> {
  const columns = await query(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
      WHERE table_schema = current_schema() AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'bytea')`,
  );
  const found: string[] = [];
  for (const c of columns.rows as Array<{ table_name: string; column_name: string; data_type: string }>) {
    const value = c.data_type === 'bytea' ? `encode("${c.column_name}", 'escape')` : `"${c.column_name}"::text`;
    const r = await query(
      `SELECT count(*) AS n FROM "${c.table_name}" WHERE ${value} ILIKE '%${needle.replace(/'/g, "''")}%'`,
    );
    if (Number((r.rows[0] as { n: string }).n) > 0) found.push(`${c.table_name}.${c.column_name}`);
  }
  return found;
}

for (const target of TARGETS) {
  describe(`operator data on ${target.name}`, { skip: target.skip }, () => {
    const clock = new TestClock('2025-03-03T09:00:00Z');
    let w: WebHarness;
    let db: Database;
    let database: { url?: string; dataDir?: string };
    let nodes: string[];
    before(async () => {
      database = await target.database();
      // The test holds the database itself (every store is made on its pool), so it can search
      // every table while the service runs: an embedded database is opened by one holder at a time.
      db = await openDatabase(resolveConfig({ database }).database);
      const { pool, statements } = db;
      w = await webHarness({
        clock: clock.now,
        overlay: new PgOverlay(pool, statements),
        statusStore: new PgStatusStore(pool, statements),
        outbox: new PgOutbox(pool, statements),
        nodeState: new PgNodeStateStore(pool, statements),
        preferenceStore: new PgPreferenceStore(pool),
        grouping: { wait: '0s' },
        limits: { email: { maxHr: 1, maxDay: 10, minDelay: '0s' } },
      });
      nodes = [await w.h.addNode({ email: ADDRESS }), await w.h.addNode({ email: ADDRESS.toLowerCase() })];
      await w.h.svc.preferences.update(ADDRESS, { language: 'de', timezone: 'Europe/Berlin' });
      await w.h.svc.informNodeEmail(nodes[0] as string, announce('Wartung'));
      await w.h.svc.informNodeEmail(nodes[0] as string, announce('Held one')); // held by maxHr
      await w.h.svc.onUptimeCheck(nodes[1] as string, { ok: false });
      await w.h.svc.dispatch();
    });
    after(async () => {
      await w.close();
      await db.close().catch(() => undefined);
    });
    const query = (sql: string): Promise<pg.QueryResult> => db.pool.query(sql);

    it('export gives their choices, nodes, every notification in their language, and counters', async () => {
      const x = await w.h.svc.operators.export(ADDRESS.toUpperCase());
      assert.equal(x.address, ADDRESS.toLowerCase());
      assert.deepEqual([x.preferences.chosen?.language, x.preferences.chosen?.timezone], ['de', 'Europe/Berlin']);
      assert.deepEqual(x.nodes.map((n) => NodeId.parse(n.id).hex).sort(), [...nodes].sort());
      const kinds = x.notifications.map((n) => `${n.kind}:${n.channel}:${n.status}`).sort();
      assert.deepEqual(kinds, [
        'announcement:email:held',
        'announcement:email:sent',
        'node-offline:email:sent',
        'node-offline:log:sent',
      ]);
      assert.match(
        x.notifications.find((n) => n.kind === 'node-offline' && n.channel === 'email')?.title ?? '',
        /offline/i,
      );
      assert.ok(
        x.notifications.some((n) => /Ihr|Knoten/.test(n.text)),
        'worded in German, as they read it',
      );
      assert.equal(x.counters['email']?.dayCounter, 2, 'two emails reached the address today');
      JSON.parse(JSON.stringify(x)); // plain JSON
    });

    it('erase leaves nothing of the address anywhere, keeps the counts, and revokes their links', async () => {
      const svc = w.h.svc;
      const links = svc.links;
      assert.ok(links);
      const pageUrl = links.preferences(ADDRESS.toLowerCase(), new Date());
      const feedUrl = await svc.feedUrl(ADDRESS);
      assert.equal((await fetch(pageUrl)).status, 200, 'the link works before');
      const tally = await svc.outboxCounts();
      const nodeCounters = await svc.status(nodes[0] as string);

      // A send in flight: its row is leased right now and is left for a second run.
      const [open] = (await svc.history({ address: ADDRESS })).entries.filter((e) => e.status === 'held');
      assert.ok(open);
      await setLease(open.id, new Date(clock.now().getTime() + 60_000));
      const first = await svc.operators.erase(ADDRESS);
      assert.equal(first.inFlight, 1);
      assert.equal(first.nodes, 2);
      await setLease(open.id, null);
      const second = await svc.operators.erase(ADDRESS);
      assert.equal(second.inFlight, 0);

      const left = await everyTextContaining(query, ADDRESS.toLowerCase());
      assert.deepEqual(left, [], `the address is gone from every text column (found in ${left.join(', ')})`);
      for (const channel of ['email', 'log']) {
        const [was, is] = [tallyChannel(tally, channel), tallyChannel(await svc.outboxCounts(), channel)];
        assert.deepEqual(
          [is.generated, is.sent, is.held, is.suppressed],
          [was.generated, was.sent, 0, was.suppressed + was.held],
          `${channel}: every notification still counted; what waited ends suppressed`,
        );
      }
      assert.deepEqual(await svc.status(nodes[0] as string), nodeCounters, "the node's limits untouched");
      for (const url of [pageUrl, feedUrl]) assert.equal((await fetch(url)).status >= 400, true, `${url} refused`);
      const x = await svc.operators.export(ADDRESS);
      assert.deepEqual([x.preferences.chosen, x.nodes, x.notifications], [null, [], []]);
      assert.equal(
        (await svc.history({ nodeId: nodes[0] as string })).entries.every(
          (e) => e.operator === null && e.status !== 'held',
        ),
        true,
        'the node keeps its history, for no one; nothing left waiting to go to the address',
      );
    });

    it('the address comes back when the satellite notifies it again, and its links work again', async () => {
      const node = await w.h.addNode({ email: ADDRESS });
      clock.advance(3_600_000);
      const d = await w.h.svc.informNodeEmail(node, announce('Welcome back'));
      assert.equal(d.status, 'sent');
      const links = w.h.svc.links;
      assert.ok(links);
      assert.equal((await fetch(links.preferences(ADDRESS.toLowerCase(), new Date()))).status, 200);
    });

    it('`satnotify operator export|erase` print the same', async () => {
      const out: string[] = [];
      const err: string[] = [];
      const env = database.url
        ? { SATNOTIFY_DATABASE_URL: database.url }
        : { SATNOTIFY_DATABASE_DATADIR: database.dataDir };
      const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s), env };
      // The command opens the database itself.
      await w.h.svc.close();
      await db.close();
      {
        assert.equal(await main(['operator', 'export', ADDRESS], io), 0, err.join(''));
        assert.equal((JSON.parse(out.join('')) as { address: string }).address, ADDRESS.toLowerCase());
        out.length = 0;
        assert.equal(await main(['operator', 'erase', ADDRESS], io), 0, err.join(''));
        assert.match(out.join(''), /"preferences": "erased"/);
        assert.equal(await main(['operator', 'forget', ADDRESS], io), 2, 'an unknown action is a usage error');
      }
    });

    async function setLease(id: string, until: Date | null): Promise<void> {
      await query(
        `UPDATE satnotify_outbox SET leased_until = ${until ? `'${until.toISOString()}'` : 'NULL'} WHERE id = '${id}'`,
      );
    }
  });
}
