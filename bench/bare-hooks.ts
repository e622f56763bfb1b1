/**
 * The hooks' floor: what a user would assemble with bare `pg` for the durable work our uptime
 * hook does when a node first fails, measured with the same callers on the same server. Per call:
 * one prepared SELECT of the node joined with its state, then, if the node was not already
 * offline, one prepared statement that writes the state (guarded, so a concurrent call cannot
 * notify twice), the node's failed contact and the two outbox rows (email, node log) in one commit.
 *
 * It runs in a database of its own, migrated by ours, so both write the same tables and indexes,
 * and none of its rows is drained by the storm's dispatcher. What it leaves out is ours alone:
 * batching callers, wording and localising the notice, the full state machine (flapping, grace,
 * disqualification), grouping, metrics.
 *
 * Beside it, the least a durable hook can do: one prepared INSERT of the two outbox rows per call,
 * nothing read, nothing checked. Its latency is what one commit per call costs on this server.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { resolveConfig } from '../src/config.js';
import { openDatabase } from '../src/database/connect.js';
import { cpuMeter, type CpuSplit } from './cpu-time.js';
import { latenciesOf, percentile, round2 as round } from './measure.js';

/** HookFloors are the bare hooks and the bare insert, measured one after the other. */
export interface HookFloors {
  hooks: HookFloor;
  insertOnly: HookFloor;
}

/** HookFloor is one bare variant's latency and cost. */
export interface HookFloor {
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  cpu: CpuSplit;
}

const READ = `SELECT n.email, n.address, n.last_contact_success, s.offline_since
FROM nodes n LEFT JOIN satnotify_node_state s ON s.node_id = n.id WHERE n.id = $1`;

const WRITE = `WITH state AS (
  INSERT INTO satnotify_node_state AS s (node_id, offline_since, failing_since, last_change_at, flap_count, flap_window_start)
  VALUES ($1, $2, $2, $2, 1, $2)
  ON CONFLICT (node_id) DO UPDATE SET offline_since = EXCLUDED.offline_since, failing_since = EXCLUDED.failing_since,
    last_change_at = EXCLUDED.last_change_at, flap_count = s.flap_count + 1, flap_window_start = EXCLUDED.flap_window_start
  WHERE s.offline_since IS NULL
  RETURNING node_id
), contact AS (
  UPDATE nodes SET last_contact_failure = $2 WHERE id = $1 AND EXISTS (SELECT 1 FROM state)
)
INSERT INTO satnotify_outbox (id, channel, group_key, node_id, kind, bypass, payload, title, summary, due_at, occurred_at, created_at, operator, status)
SELECT v.id, v.channel, v.group_key, state.node_id, 'node-offline', false, v.payload::jsonb, 'Node offline', $4, $3, $2, $2, $5, 'pending'
FROM state, (VALUES ($6, 'email', $7, $8), ($9, 'log', $10, $11)) AS v(id, channel, group_key, payload)`;

const INSERT_ONLY = `INSERT INTO satnotify_outbox (id, channel, group_key, node_id, kind, bypass, payload, title, summary, due_at, occurred_at, created_at, operator, status)
VALUES ($1, 'email', $2, $3, 'node-offline', false, $4, 'Node offline', $5, $6, $7, $7, $8, 'pending'),
       ($9, 'log', $10, $3, 'node-offline', false, $11, 'Node offline', $5, $6, $7, $7, $8, 'pending')`;

type Call = (pool: pg.Pool, id: Buffer, at: Date) => Promise<void>;

/**
 * bareHookFloors seed `nodes` nodes (three per operator) in `url` for each variant, and report the
 * latency of bare calls made `concurrency` at a time on a pool of `poolSize`, after a warm-up of 500.
 */
export async function bareHookFloors(
  url: string,
  nodes: number,
  concurrency: number,
  poolSize: number,
  at: Date,
): Promise<HookFloors> {
  const config = resolveConfig({ database: { url } }).database;
  await (await openDatabase(config)).close(); // migrated, as ours is
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: `-c search_path=${config.schema}` });
  const measure = async (name: string, call: Call): Promise<HookFloor> => {
    await latenciesOf(await seed(pool, 500, `${name}-warmup`, at), concurrency, (id) => call(pool, id, at));
    const ids = await seed(pool, nodes, name, at);
    const cpu = await cpuMeter(() => Promise.resolve(0));
    const t0 = performance.now();
    const latencies = await latenciesOf(ids, concurrency, (id) => call(pool, id, at));
    const seconds = (performance.now() - t0) / 1000;
    return {
      seconds: round(seconds),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      cpu: await cpu(),
    };
  };
  try {
    return { hooks: await measure('bare', bareHook), insertOnly: await measure('insert', bareInsert) };
  } finally {
    await pool.end();
  }
}

async function bareHook(pool: pg.Pool, id: Buffer, at: Date): Promise<void> {
  const { rows } = await pool.query<{
    email: string;
    address: string;
    last_contact_success: Date | null;
    offline_since: Date | null;
  }>({ name: 'bare_read', text: READ, values: [id] });
  const node = rows[0];
  if (!node) throw new Error(`bare hook: unknown node ${id.toString('hex')}`);
  if (node.offline_since) return;
  const hex = id.toString('hex');
  const [email, log] = payloads(hex, node.address, node.email, node.last_contact_success);
  await pool.query({
    name: 'bare_write',
    text: WRITE,
    values: [
      id,
      at,
      dueAt(at),
      summary(hex),
      node.email,
      randomUUID(),
      `email:addr:${node.email}`,
      email,
      randomUUID(),
      `log:node:${hex}`,
      log,
    ],
  });
}

/** bareInsert writes a notice's two rows as the hook would, from what it was told alone. */
async function bareInsert(pool: pg.Pool, id: Buffer, at: Date): Promise<void> {
  const hex = id.toString('hex');
  const operator = `insert-${hex.slice(0, 8)}@example.com`;
  const [email, log] = payloads(hex, '127.0.0.1:1', operator, at);
  await pool.query({
    name: 'bare_insert',
    text: INSERT_ONLY,
    values: [
      randomUUID(),
      `email:addr:${operator}`,
      id,
      email,
      summary(hex),
      dueAt(at),
      at,
      operator,
      randomUUID(),
      `log:node:${hex}`,
      log,
    ],
  });
}

/** payloads are the email's and the node log's JSON, shaped as ours store them. */
function payloads(hex: string, address: string, to: string, lastContact: Date | null): [email: string, log: string] {
  const data = lastContact ? { lastContact: lastContact.toISOString() } : {};
  const log = {
    level: 'warn',
    title: 'Node offline',
    text: '',
    node: { id: hex, address },
    facts: data,
    actions: [],
    source: { kind: 'node-offline', data },
  };
  return [JSON.stringify({ ...log, email: { to, template: 'node-offline', data } }), JSON.stringify(log)];
}

const summary = (hex: string): string => `Your node ${hex.slice(0, 12)} is offline`;
const dueAt = (at: Date): Date => new Date(at.getTime() + 5 * 60_000);

/** seed inserts nodes in one statement (not measured); returns their ids. */
async function seed(pool: pg.Pool, count: number, operator: string, at: Date): Promise<Buffer[]> {
  const ids = Array.from({ length: count }, () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))));
  await pool.query(
    `INSERT INTO nodes (id, address, email, version, major, minor, patch, last_contact_success, created_at)
     SELECT id, '127.0.0.1:1', $2 || (ord - 1) / 3 || '@example.com', '1.70.1', 1, 70, 1, $3, $3 FROM unnest($1::bytea[]) WITH ORDINALITY AS u(id, ord)`,
    [ids, operator, at],
  );
  return ids;
}
