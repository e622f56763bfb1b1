import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../../src/config.js';
import { openDatabase, type Database } from '../../../src/database/connect.js';
import { InvalidInputError, InvalidNodeIdError, UnknownNodeError } from '../../../src/errors.js';
import { OverlayCache } from '../../../src/overlay/cache.js';
import { NodeId } from '../../../src/overlay/node-id.js';
import { PgOverlay } from '../../../src/overlay/pg-overlay.js';
import { freshPostgresUrl, postgresSkipReason, randomNodeIdHex } from '../../helpers/databases.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const TARGETS = [
  { name: 'pglite', skip: undefined, url: () => Promise.resolve('') },
  { name: 'postgres', skip: postgresSkipReason, url: () => freshPostgresUrl('satnotify_overlay_test') },
];

for (const target of TARGETS) {
  describe(`OverlayCache on ${target.name}`, { skip: target.skip }, () => {
    let db: Database;
    let overlay: OverlayCache;
    before(async () => {
      const url = await target.url();
      db = await openDatabase(resolveConfig({ database: url ? { url } : { dataDir: 'memory://' } }).database);
      overlay = new OverlayCache(
        new PgOverlay(db.pool, db.statements),
        resolveConfig({ overlay: { pageSize: 1000 } }).overlay,
        () => NOW,
      );
    });
    after(() => db.close());

    it('answers concurrent lookups of known and unknown nodes, with getMany and without it', async () => {
      const known = [randomNodeIdHex(), randomNodeIdHex(), randomNodeIdHex()];
      for (const [i, id] of known.entries())
        await overlay.upsertNode({ id, address: `n${i}.example:1`, email: `op${i}@example.com` });
      const unknown = randomNodeIdHex();
      const pg = new PgOverlay(db.pool);
      const withoutGetMany = {
        get: (id: NodeId) => pg.get(id),
        upsert: pg.upsert.bind(pg),
        selectPage: pg.selectPage.bind(pg),
      };
      for (const source of [pg, withoutGetMany]) {
        const cache = new OverlayCache(source, resolveConfig({}).overlay, () => NOW);
        const asked = [known[2], unknown, known[0], known[1], known[2]] as string[];
        const answers = await Promise.allSettled(asked.map((id) => cache.get(id)));
        assert.deepEqual(
          answers.map((a) => (a.status === 'fulfilled' ? a.value.address : (a.reason as Error).constructor.name)),
          ['n2.example:1', 'UnknownNodeError', 'n0.example:1', 'n1.example:1', 'n2.example:1'],
        );
      }
    });

    it('upserts and gets a node with every field', async () => {
      const id = randomNodeIdHex();
      const input = {
        id,
        address: 'node.example.com:28967',
        email: 'op@example.com',
        wallet: '0xabc',
        version: '1.68.2',
        lastContactSuccess: new Date('2024-05-01T11:00:00Z'),
        lastContactFailure: new Date('2024-05-01T10:00:00Z'),
        disqualified: null,
        disqualificationReason: null,
        contained: new Date('2024-05-01T09:00:00Z'),
        auditScore: 0.97,
        unknownAuditSuspended: null,
        offlineSuspended: null,
      };
      await overlay.upsertNode(input);
      const got = await overlay.get(id);
      assert.ok(got.id.equals(NodeId.parse(id)));
      const { id: _id, createdAt, ...rest } = got;
      const { id: _in, ...expected } = input;
      assert.deepEqual(rest, expected);
      assert.ok(createdAt instanceof Date);
    });

    it('caches: miss then hit, invalidated by upsert', async () => {
      const id = randomNodeIdHex();
      await overlay.upsertNode({ id, address: '10.0.0.1:1', email: 'a@example.com' });
      const s0 = overlay.stats();
      await overlay.get(id);
      await overlay.get(id);
      const s1 = overlay.stats();
      assert.equal(s1.misses - s0.misses, 1);
      assert.equal(s1.hits - s0.hits, 1);
      await overlay.upsertNode({ id, address: '10.0.0.1:1', email: 'b@example.com' });
      assert.equal((await overlay.get(id)).email, 'b@example.com');
      assert.equal(overlay.stats().misses - s1.misses, 1);
    });

    it('unknown and malformed ids are distinct typed errors', async () => {
      await assert.rejects(overlay.get(randomNodeIdHex()), UnknownNodeError);
      await assert.rejects(overlay.get('not-a-node'), InvalidNodeIdError);
    });

    it('rejects bad node fields and keeps SQL in a field inert', async () => {
      await assert.rejects(
        overlay.upsertNode({ id: randomNodeIdHex(), address: 'host:1\r\nX: y', email: 'a@example.com' }),
        InvalidInputError,
      );
      await assert.rejects(
        overlay.upsertNode({ id: randomNodeIdHex(), address: 'nohost', email: 'a@example.com' }),
        InvalidInputError,
      );
      await assert.rejects(
        overlay.upsertNode({ id: randomNodeIdHex(), address: 'h:1', email: 'nope' }),
        InvalidInputError,
      );
      await assert.rejects(
        overlay.upsertNode({ id: randomNodeIdHex(), address: 'h:1', version: 'v-one' }),
        InvalidInputError,
      );
      const id = randomNodeIdHex();
      const sql = "x'); DROP TABLE nodes; --";
      await overlay.upsertNode({ id, address: 'h:1', wallet: sql });
      overlay.invalidate(id);
      assert.equal((await overlay.get(id)).wallet, sql);
    });

    it('streams selections over 10,000 nodes in pages', async () => {
      const online = new Date(NOW.getTime() - 3_600_000);
      const offline = new Date(NOW.getTime() - 5 * 3_600_000);
      const client = await db.pool.connect();
      try {
        // Bulk-load with one statement per 1,000 rows; upsertNode's own path is tested above.
        for (let base = 0; base < 10_000; base += 1000) {
          const ids = Array.from({ length: 1000 }, () => Buffer.from(randomNodeIdHex(), 'hex'));
          const idx = Array.from({ length: 1000 }, (_, i) => base + i);
          await client.query(
            `INSERT INTO nodes (id, address, email, version, major, minor, patch, last_contact_success, contained, disqualified)
             SELECT u.id, 'bulk' || u.i || '.example:28967', 'op' || u.i || '@example.com', CASE WHEN u.i % 2 = 0 THEN '1.60.0' ELSE '1.70.1' END,
                    1, CASE WHEN u.i % 2 = 0 THEN 60 ELSE 70 END, CASE WHEN u.i % 2 = 0 THEN 0 ELSE 1 END,
                    CASE WHEN u.i % 4 < 2 THEN $2::timestamptz ELSE $3::timestamptz END,
                    CASE WHEN u.i % 10 = 0 THEN $2::timestamptz END, CASE WHEN u.i % 100 = 0 THEN $2::timestamptz END
             FROM unnest($1::bytea[], $4::int[]) AS u(id, i)`,
            [ids, online, offline, idx],
          );
        }
      } finally {
        client.release();
      }
      const count = async (
        filter: Parameters<OverlayCache['select']>[0],
      ): Promise<{ nodes: number; pages: number; ordered: boolean }> => {
        let nodes = 0;
        let pages = 0;
        let last: Buffer | null = null;
        let ordered = true;
        for await (const page of overlay.select(filter)) {
          pages++;
          assert.ok(page.length <= 1000);
          for (const n of page) {
            if (last && Buffer.compare(last, n.id.bytes) >= 0) ordered = false;
            last = n.id.bytes;
            if (n.address.startsWith('bulk')) nodes++;
          }
        }
        return { nodes, pages, ordered };
      };
      const all = await count({ versionBelow: '99.0.0' });
      assert.equal(all.nodes, 10_000);
      assert.ok(all.pages >= 10 && all.ordered);
      assert.equal((await count({ versionBelow: '1.68.0' })).nodes, 5000);
      assert.equal((await count({ versionBelow: '1.68.0', online: false, contained: true })).nodes, 500); // i%2=0, i%4>=2 → i%4=2; i%10=0 → i%20=10
      assert.equal((await count({ versionBelow: '99.0.0', online: true })).nodes, 5000);
      assert.equal((await count({ versionBelow: '99.0.0', disqualified: true })).nodes, 100);
      assert.equal((await count({ versionBelow: '99.0.0', disqualified: false, contained: false })).nodes, 9000);
      await assert.rejects(async () => count({ versionBelow: 'latest' }), InvalidInputError);
    });

    it('selects by id list', async () => {
      const ids = [randomNodeIdHex(), randomNodeIdHex(), randomNodeIdHex()];
      for (const id of ids) await overlay.upsertNode({ id, address: 'h:1' });
      const got: string[] = [];
      for await (const page of overlay.select({ ids })) got.push(...page.map((n) => n.id.hex));
      assert.deepEqual(got.sort(), [...ids].sort());
    });
  });
}
