/**
 * How the stores send statements on PostgreSQL (database/statements.ts): batch statements are
 * prepared on sessions of their own that plan them by key, and everything else (a lone
 * reservation among it) runs on sessions of the default kind. The hazard this avoids is real and
 * shown here: a batch statement prepared on a session of the default kind while the state table
 * is nearly empty keeps a plan that scans the whole table once it has grown.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { resolveConfig } from '../../../src/config.js';
import { openDatabase, type Database } from '../../../src/database/connect.js';
import { PgStatusStore } from '../../../src/notification/limits/pg-store.js';
import { PgNodeStateStore } from '../../../src/notification/hooks/pg-node-state.js';
import { PgOutbox } from '../../../src/notification/outbox/pg-outbox.js';
import type { TransitionResult } from '../../../src/notification/hooks/transitions.js';
import { NodeId } from '../../../src/overlay/node-id.js';
import { PgOverlay } from '../../../src/overlay/pg-overlay.js';
import { freshPostgresUrl, postgresSkipReason } from '../../helpers/databases.js';
import { limits } from '../../helpers/limits.js';

/** The statement a `contained` transition writes with: one column, contained_since, the seventh (bit 0x040). */
const TRANSITIONS = 'satnotify_transitions_040';

describe('statements on PostgreSQL', { skip: postgresSkipReason }, () => {
  let url: string;
  let db: Database;
  before(async () => {
    url = await freshPostgresUrl('satnotify_statements_test');
    // One connection per pool, so every statement of a pool is prepared on the session asked below.
    db = await openDatabase(resolveConfig({ database: { url, poolSize: 1 } }).database);
  });
  after(() => db.close());

  it('prepares batch statements on the batch sessions, and the lone reservation on the default ones', async () => {
    const status = new PgStatusStore(db.pool, db.statements);
    const store = new PgNodeStateStore(db.pool, db.statements);
    const l = limits({ maxHr: 5, maxDay: 10 });
    const now = new Date('2024-01-01T10:00:00Z');
    // Two reservations asked at once share a batch statement; one alone is the single-row one.
    await Promise.all([
      status.reserve({ subject: 'a', channel: 'email' }, now, l),
      status.reserve({ subject: 'b', channel: 'email' }, now, l),
    ]);
    await status.reserve({ subject: 'c', channel: 'email' }, now, l);
    await contain(store, [randomNode()], now);
    const overlay = new PgOverlay(db.pool, db.statements);
    const id = NodeId.parse(randomNode());
    await overlay.getMany([id]);
    await overlay.recordContacts([{ id, ok: true, at: now }]);

    assert.equal(await setting(db.pool, 'enable_seqscan'), 'on');
    assert.equal(await setting(db.statements.batches, 'enable_seqscan'), 'off');
    const batches = await prepared(db.statements.batches);
    for (const name of [
      'satnotify_reserve_many',
      'satnotify_read_states',
      TRANSITIONS,
      'satnotify_nodes_get_many',
      'satnotify_nodes_contacts',
    ])
      assert.ok(batches.includes(name), `${name} is prepared on the batch sessions (has ${batches.join(', ')})`);
    assert.ok(!batches.includes('satnotify_reserve_one'));
    assert.deepEqual(await prepared(db.pool), ['satnotify_reserve_one']);
  });

  it('gives every transitions statement a whole name: a node that goes down, comes up and then flaps is recorded on one session', async () => {
    // The writes of these three changes set 5, 5 and 6 columns whose names share a long prefix;
    // PostgreSQL cuts a statement's name at 63 bytes, so names made of column names would collide.
    const store = new PgNodeStateStore(db.pool, db.statements);
    const nodeId = randomNode();
    const flap = { changes: 3, windowMs: 3_600_000, stableMs: 3_600_000 };
    const t0 = Date.parse('2024-01-01T10:00:00Z');
    const results: TransitionResult[] = [];
    for (const [i, change] of (['offline', 'online', 'offline'] as const).entries()) {
      const at = new Date(t0 + i * 60_000);
      await store.record(
        change === 'offline'
          ? { nodeId, at, change, offlineAfterMs: 0, flap, remind: { afterMs: 0, max: 0 } }
          : { nodeId, at, change, flap },
        (result) => (results.push(result), []),
      );
    }
    assert.deepEqual(
      results.map((r) => [r.applied, r.kind]),
      [
        [true, 'node-offline'],
        [true, 'node-online'],
        [true, 'node-flapping'],
      ],
    );
    for (const name of (await prepared(db.statements.batches)).filter((n) => n.startsWith('satnotify_transitions')))
      assert.ok(Buffer.byteLength(name) < 64, name);
  });

  it('a claim walks the due index in order and stops at its limit, though the statistics were last taken when nearly every row was sent', async () => {
    // The statistics of a quiet satellite: every row sent. Then a storm: 20,000 rows due at once.
    const row = (
      status: string,
      from: number,
    ): string => `INSERT INTO satnotify_outbox (id, channel, group_key, kind, payload, title, summary, status, due_at, occurred_at, created_at)
      SELECT '${status}-' || g, 'email', 'email:op' || g, 'node-offline', '{}', 't', 's', '${status}', $1, $1, $1 FROM generate_series(${from}, ${from} + 19999) g`;
    const at = new Date('2024-01-01T10:00:00Z');
    await db.pool.query(row('sent', 1), [at]);
    await db.pool.query('ANALYZE satnotify_outbox');
    await db.pool.query(row('pending', 1), [at]);
    await db.pool.query('SELECT pg_stat_force_next_flush()'); // as a busy session's counts reach the server within a second

    const before = await dueIndexReads(db.pool);
    const claimed = await new PgOutbox(db.pool, db.statements).claim({
      now: new Date(at.getTime() + 60_000),
      leaseUntil: new Date(at.getTime() + 120_000),
      groups: 10,
    });
    assert.equal(claimed.length, 10);
    // In order, a claim of 10 groups reads at most 40 entries of the due index; a bitmap reads all 20,000.
    const read = (await dueIndexReads(db.pool)) - before;
    assert.ok(read <= 10 * 4, `the claim read ${read} entries of the due index`);
  });

  it('a batch statement planned once, while the table was nearly empty, still finds rows by index once it has grown; on a default session it would not', async () => {
    // The same store code on one session of the default kind, told (wrongly) that it may prepare.
    const unsafe = new pg.Pool({ connectionString: url, max: 1, options: '-c search_path=satnotify' });
    try {
      const stores = [
        new PgNodeStateStore(db.pool, db.statements),
        new PgNodeStateStore(unsafe, { prepareBatches: true, batches: unsafe }),
      ];
      const now = new Date('2024-01-01T10:00:00Z');
      // Batches of 16 while the table holds a few dozen rows: past the five custom plans after
      // which a default session settles on a generic plan.
      for (let round = 0; round < 8; round++)
        for (const store of stores) await contain(store, Array.from({ length: 16 }, randomNode), now);
      await db.pool.query(
        `INSERT INTO satnotify_node_state (node_id) SELECT decode(lpad(to_hex(g), 64, '0'), 'hex') FROM generate_series(1, 20000) g`,
      );

      // Planned once: the batch sessions keep one plan rather than plan every call anew.
      const { rows } = await db.statements.batches.query<{ generic_plans: string }>(
        'SELECT generic_plans FROM pg_prepared_statements WHERE name = $1',
        [TRANSITIONS],
      );
      assert.ok(Number(rows[0]?.generic_plans) > 0, 'the transitions statement runs on its generic plan');
      const ours = await plan(db.statements.batches);
      assert.doesNotMatch(ours, /Seq Scan on satnotify_node_state/, ours);
      assert.match(ours, /Index Scan using satnotify_node_state_pkey/, ours);
      // The hazard, so this test would fail if the batch sessions planned like default ones.
      assert.match(await plan(unsafe), /Seq Scan on satnotify_node_state/);
    } finally {
      await unsafe.end();
    }
  });
});

function randomNode(): string {
  return randomBytes(32).toString('hex');
}

/** contain records a `contained` transition for each node at once (one batch), with no items. */
async function contain(store: PgNodeStateStore, nodes: readonly string[], at: Date): Promise<void> {
  await Promise.all(nodes.map((nodeId) => store.record({ nodeId, at, change: 'contained' }, () => [])));
}

async function setting(pool: pg.Pool, name: string): Promise<string> {
  const { rows } = await pool.query<{ value: string }>('SELECT current_setting($1) AS value', [name]);
  return (rows[0] as { value: string }).value;
}

async function prepared(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name');
  return rows.map((r) => r.name);
}

/** dueIndexReads is how many entries of the outbox's due index the pool's one session has read. */
async function dueIndexReads(pool: pg.Pool): Promise<number> {
  await pool.query('SELECT pg_stat_force_next_flush()');
  const { rows } = await pool.query<{ n: string }>(
    `SELECT idx_tup_read AS n FROM pg_stat_user_indexes WHERE indexrelname = 'satnotify_outbox_due_idx'`,
  );
  return Number((rows[0] as { n: string }).n);
}

/** plan is the transitions statement's plan for one known node, as the pool's one session would run it now. */
async function plan(pool: pg.Pool): Promise<string> {
  // $1 node ids, $2 known, $3/$4 contained_since to/from, then the items as JSON rows (none).
  const args = [
    `ARRAY['\\x${'00'.repeat(31)}07'::bytea]`,
    "'{true}'",
    'ARRAY[now()]',
    'ARRAY[NULL::timestamptz]',
    "'[]'",
  ];
  const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ${TRANSITIONS}(${args.join(', ')})`);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}
