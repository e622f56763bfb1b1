/**
 * @module notification/pg-outbox
 * Outbox on PostgreSQL or PGlite: notifications and digests as rows of `satnotify_outbox`, node
 * state transitions in `satnotify_node_state`. Workers claim whole groups with row leases taken
 * under FOR UPDATE SKIP LOCKED and a per-group advisory lock, so several processes share the work
 * and never deliver one row twice at once.
 */
import type pg from 'pg';
import type { Channel } from './types.js';
import type { NewItem, Outbox, OutboxCount, OutboxItem, OutboxStatus, Reservation, Transition, TransitionResult } from './db.js';
import { INITIAL_STATE, planTransition, type NodeState, type StateColumn } from './transitions.js';

interface ItemRow {
  id: string;
  channel: Channel;
  group_key: string;
  node_id: Buffer | null;
  kind: string;
  bypass: boolean;
  payload: OutboxItem['payload'];
  title: string;
  summary: string;
  status: OutboxStatus;
  reason: string | null;
  attempts: number;
  due_at: Date;
  occurred_at: Date;
  created_at: Date;
  sent_at: Date | null;
  digest_id: string | null;
  reservations: Array<Omit<Reservation, 'at' | 'hrStart' | 'dayStart' | 'previousLastSent'> & Record<'at' | 'hrStart' | 'dayStart', string> & { previousLastSent: string | null }> | null;
}

const OPEN = `('pending', 'held', 'retry')`;

// Groups with something due, oldest first; a group another worker holds (advisory lock) is skipped,
// and the rows are leased under FOR UPDATE SKIP LOCKED. $1 now, $2 lease end, $3 group count, $4 one group or NULL.
const CLAIM = `
WITH due AS (
  SELECT group_key, min(due_at) AS first_due FROM satnotify_outbox
  WHERE status IN ${OPEN} AND due_at <= $1 AND (leased_until IS NULL OR leased_until < $1)
    AND ($4::text IS NULL OR group_key = $4)
  GROUP BY group_key ORDER BY first_due LIMIT $3
), mine AS (
  SELECT group_key FROM due WHERE pg_try_advisory_xact_lock(hashtextextended(group_key, 0))
), rows AS (
  SELECT o.id FROM satnotify_outbox o JOIN mine USING (group_key)
  WHERE o.status IN ${OPEN} AND o.due_at <= $1 AND (o.leased_until IS NULL OR o.leased_until < $1)
  FOR UPDATE OF o SKIP LOCKED
)
UPDATE satnotify_outbox o SET leased_until = $2
FROM rows WHERE o.id = rows.id
RETURNING o.*`;

const INSERT_COLUMNS = 'id, channel, group_key, node_id, kind, bypass, payload, title, summary, due_at, occurred_at, created_at';

/** PgOutbox implements Outbox with parameterised SQL. */
export class PgOutbox implements Outbox {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async record(transition: Transition | null, build: (prev: TransitionResult) => NewItem[]): Promise<NewItem[]> {
    if (!transition) {
      const items = build({ applied: true, offlineSince: null, containedSince: null });
      if (items.length > 0) await this.#pool.query(INSERT_ITEMS, itemParams(items, null));
      return items;
    }
    // Optimistic: read the state, plan, and write only if the state is still what was read; a
    // concurrent hook for the same node makes the write miss, and the loop plans again.
    const id = Buffer.from(transition.nodeId, 'hex');
    for (let attempt = 0; attempt < 10; attempt++) {
      const { rows } = await this.#pool.query<StateRow>({ name: 'satnotify_node_state', text: READ_STATE, values: [id] });
      const plan = planTransition(rows[0] ? toState(rows[0]) : INITIAL_STATE, transition);
      if (!plan.write) return [];
      const items = plan.result.applied ? build(plan.result) : [];
      const w = plan.write;
      const { rows: done } = await this.#pool.query<{ applied: boolean }>({
        name: `satnotify_transition_${w.column}`,
        text: transitionSql(w.column),
        values: [id, w.to, w.from, ...itemParams(items, null)],
      });
      if (done[0]?.applied) return items;
    }
    throw new Error(`satnotify: the state of node ${transition.nodeId} kept changing; gave up recording ${transition.change}`);
  }

  async claim(o: { now: Date; leaseUntil: Date; groups: number; groupKey?: string }): Promise<OutboxItem[]> {
    const { rows } = await this.#pool.query<ItemRow>(CLAIM, [o.now, o.leaseUntil, o.groups, o.groupKey ?? null]);
    return rows.map(toItem).sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.createdAt.getTime() - b.createdAt.getTime());
  }

  async insertDigest(digest: NewItem, folded: readonly string[], leaseUntil: Date): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(INSERT_ITEMS, itemParams([digest], leaseUntil));
      await client.query(`UPDATE satnotify_outbox SET status = 'digested', digest_id = $1, leased_until = NULL, reservations = NULL WHERE id = ANY($2::text[])`, [digest.id, folded]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async release(ids: readonly string[]): Promise<void> {
    await this.#pool.query('UPDATE satnotify_outbox SET leased_until = NULL WHERE id = ANY($1::text[])', [ids]);
  }

  async markSent(id: string, at: Date): Promise<void> {
    await this.#pool.query(`UPDATE satnotify_outbox SET status = 'sent', sent_at = $2, leased_until = NULL, reason = NULL, reservations = NULL WHERE id = $1`, [id, at]);
  }

  async markHeld(ids: readonly string[], dueAt: Date, reason: string): Promise<void> {
    await this.#pool.query(`UPDATE satnotify_outbox SET status = 'held', due_at = $2, reason = $3, leased_until = NULL WHERE id = ANY($1::text[])`, [ids, dueAt, reason]);
  }

  async markRetry(id: string, dueAt: Date, reason: string, reservations: readonly Reservation[]): Promise<void> {
    await this.#pool.query(`UPDATE satnotify_outbox SET status = 'retry', attempts = attempts + 1, due_at = $2, reason = $3, reservations = $4, leased_until = NULL WHERE id = $1`, [
      id,
      dueAt,
      reason,
      JSON.stringify(reservations),
    ]);
  }

  async markFailed(ids: readonly string[], reason: string): Promise<void> {
    await this.#pool.query(`UPDATE satnotify_outbox SET status = 'failed', reason = $2, leased_until = NULL, reservations = NULL WHERE id = ANY($1::text[])`, [ids, reason]);
  }

  async get(id: string): Promise<OutboxItem | null> {
    const { rows } = await this.#pool.query<ItemRow>('SELECT * FROM satnotify_outbox WHERE id = $1', [id]);
    return rows[0] ? toItem(rows[0]) : null;
  }

  async counts(): Promise<OutboxCount[]> {
    const { rows } = await this.#pool.query<Omit<OutboxCount, 'count'> & { count: string }>(
      `SELECT o.channel, o.kind, o.status, d.status AS "digestStatus", count(*) AS count
       FROM satnotify_outbox o LEFT JOIN satnotify_outbox d ON d.id = o.digest_id
       GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    );
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }
}

/**
 * The columns of a new item, as arrays from $<first>: one statement inserts any number of items.
 * An item that waits for operator grouping (due after it was created) joins the earliest waiting
 * item of its group, so everything arriving within one wait leaves together.
 */
function insertItemsSql(first: number): string {
  const p = (k: number): string => `$${first + k}`;
  return `INSERT INTO satnotify_outbox (${INSERT_COLUMNS}, status, leased_until)
  SELECT v.id, v.channel, v.group_key, v.node_id, v.kind, v.bypass, v.payload, v.title, v.summary,
         CASE WHEN v.due_at > v.created_at THEN LEAST(v.due_at, (
           SELECT min(w.due_at) FROM satnotify_outbox w
           WHERE w.group_key = v.group_key AND w.status = 'pending' AND w.due_at > w.created_at)) ELSE v.due_at END,
         v.occurred_at, v.created_at, 'pending', ${p(12)}::timestamptz
  FROM unnest(${p(0)}::text[], ${p(1)}::text[], ${p(2)}::text[], ${p(3)}::bytea[], ${p(4)}::text[], ${p(5)}::boolean[], ${p(6)}::jsonb[],
              ${p(7)}::text[], ${p(8)}::text[], ${p(9)}::timestamptz[], ${p(10)}::timestamptz[], ${p(11)}::timestamptz[])
       AS v(id, channel, group_key, node_id, kind, bypass, payload, title, summary, due_at, occurred_at, created_at)`;
}

const INSERT_ITEMS = insertItemsSql(1);

/** itemParams lays items out as the arrays insertItemsSql reads, plus the lease. */
function itemParams(items: readonly NewItem[], leaseUntil: Date | null): unknown[] {
  return [
    items.map((i) => i.id),
    items.map((i) => i.channel),
    items.map((i) => i.groupKey),
    items.map((i) => (i.nodeId === null ? null : Buffer.from(i.nodeId, 'hex'))),
    items.map((i) => i.kind),
    items.map((i) => i.bypass),
    items.map((i) => JSON.stringify(i.payload)),
    items.map((i) => i.title),
    items.map((i) => i.summary),
    items.map((i) => i.dueAt),
    items.map((i) => i.occurredAt),
    items.map((i) => i.createdAt),
    leaseUntil,
  ];
}

interface StateRow {
  offline_since: Date | null;
  contained_since: Date | null;
  audit_failing: boolean;
  disqualified_at: Date | null;
  version_notified_at: Date | null;
}

const READ_STATE = 'SELECT offline_since, contained_since, audit_failing, disqualified_at, version_notified_at FROM satnotify_node_state WHERE node_id = $1';

/**
 * transitionSql writes one state column ($2) if it still holds what the plan was made from ($3),
 * creating the row if the node is new, and inserts the items (from $4) only if that write happened:
 * one statement, so a recorded change and its notifications exist together or not at all.
 */
function transitionSql(column: StateColumn): string {
  return `WITH t AS (
    INSERT INTO satnotify_node_state AS s (node_id, ${column}) VALUES ($1, $2)
    ON CONFLICT (node_id) DO UPDATE SET ${column} = EXCLUDED.${column}
    WHERE s.${column} IS NOT DISTINCT FROM $3
    RETURNING 1
  ), items AS (
    ${insertItemsSql(4)} WHERE EXISTS (SELECT 1 FROM t)
    RETURNING 1
  )
  SELECT EXISTS (SELECT 1 FROM t) AS applied`;
}

function toState(r: StateRow): NodeState {
  return { offlineSince: r.offline_since, containedSince: r.contained_since, auditFailing: r.audit_failing, disqualifiedAt: r.disqualified_at, versionNotifiedAt: r.version_notified_at };
}

function toItem(r: ItemRow): OutboxItem {
  return {
    id: r.id,
    channel: r.channel,
    groupKey: r.group_key,
    nodeId: r.node_id ? r.node_id.toString('hex') : null,
    kind: r.kind,
    bypass: r.bypass,
    payload: r.payload,
    title: r.title,
    summary: r.summary,
    status: r.status,
    reason: r.reason,
    attempts: r.attempts,
    dueAt: r.due_at,
    occurredAt: r.occurred_at,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    digestId: r.digest_id,
    reservations:
      r.reservations?.map((x) => ({
        key: x.key,
        at: new Date(x.at),
        hrStart: new Date(x.hrStart),
        dayStart: new Date(x.dayStart),
        previousLastSent: x.previousLastSent === null ? null : new Date(x.previousLastSent),
      })) ?? null,
  };
}
