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

const INSERT_COLUMNS = 'id, channel, group_key, node_id, kind, bypass, payload, title, summary, status, due_at, occurred_at, created_at';

/** PgOutbox implements Outbox with parameterised SQL. */
export class PgOutbox implements Outbox {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async record(transition: Transition | null, build: (prev: TransitionResult) => NewItem[]): Promise<NewItem[]> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const prev = transition ? await applyTransition(client, transition) : { applied: true, offlineSince: null, containedSince: null };
      const items = prev.applied ? build(prev) : [];
      if (items.length > 0) {
        await insertItems(client, items, 'pending', null);
        const waiting = items.filter((i) => i.dueAt > i.createdAt);
        if (waiting.length > 0) await joinWaitingBatch(client, waiting);
      }
      await client.query('COMMIT');
      return items;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async claim(o: { now: Date; leaseUntil: Date; groups: number; groupKey?: string }): Promise<OutboxItem[]> {
    const { rows } = await this.#pool.query<ItemRow>(CLAIM, [o.now, o.leaseUntil, o.groups, o.groupKey ?? null]);
    return rows.map(toItem).sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.createdAt.getTime() - b.createdAt.getTime());
  }

  async insertDigest(digest: NewItem, folded: readonly string[], leaseUntil: Date): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await insertItems(client, [digest], 'pending', leaseUntil);
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

async function insertItems(client: pg.PoolClient, items: readonly NewItem[], status: OutboxStatus, leaseUntil: Date | null): Promise<void> {
  const values: unknown[] = [];
  const tuples = items.map((i) => {
    const base = values.length;
    values.push(i.id, i.channel, i.groupKey, i.nodeId === null ? null : Buffer.from(i.nodeId, 'hex'), i.kind, i.bypass, JSON.stringify(i.payload), i.title, i.summary, status, i.dueAt, i.occurredAt, i.createdAt, leaseUntil);
    return `(${Array.from({ length: 14 }, (_, k) => `$${base + k + 1}`).join(', ')})`;
  });
  await client.query(`INSERT INTO satnotify_outbox (${INSERT_COLUMNS}, leased_until) VALUES ${tuples.join(', ')}`, values);
}

/**
 * joinWaitingBatch moves items that wait for operator grouping onto the earliest due time of their
 * group's waiting items, so everything that arrives within one wait leaves together.
 */
async function joinWaitingBatch(client: pg.PoolClient, items: readonly NewItem[]): Promise<void> {
  await client.query(
    `UPDATE satnotify_outbox o SET due_at = g.first
     FROM (SELECT group_key, min(due_at) AS first FROM satnotify_outbox
           WHERE group_key = ANY($1::text[]) AND status = 'pending' AND due_at > created_at GROUP BY group_key) g
     WHERE o.id = ANY($2::text[]) AND o.group_key = g.group_key AND o.due_at > g.first`,
    [[...new Set(items.map((i) => i.groupKey))], items.map((i) => i.id)],
  );
}

/**
 * applyTransition changes a node's recorded state if the change is news, in the caller's
 * transaction; the row lock makes concurrent hooks for one node see each change exactly once.
 */
async function applyTransition(client: pg.PoolClient, t: Transition): Promise<TransitionResult> {
  const id = Buffer.from(t.nodeId, 'hex');
  await client.query('INSERT INTO satnotify_node_state (node_id) VALUES ($1) ON CONFLICT DO NOTHING', [id]);
  const { rows } = await client.query<{ offline_since: Date | null; contained_since: Date | null; audit_failing: boolean; disqualified_at: Date | null; version_notified_at: Date | null }>(
    'SELECT offline_since, contained_since, audit_failing, disqualified_at, version_notified_at FROM satnotify_node_state WHERE node_id = $1 FOR UPDATE',
    [id],
  );
  const s = rows[0] as NonNullable<(typeof rows)[number]>;
  const prev = { offlineSince: s.offline_since, containedSince: s.contained_since };
  const set = async (sql: string, ...params: unknown[]): Promise<TransitionResult> => {
    await client.query(`UPDATE satnotify_node_state SET ${sql} WHERE node_id = $1`, [id, ...params]);
    return { applied: true, ...prev };
  };
  const unchanged: TransitionResult = { applied: false, ...prev };
  switch (t.change) {
    case 'offline':
      return s.offline_since === null ? set('offline_since = $2', t.at) : unchanged;
    case 'online':
      return s.offline_since !== null ? set('offline_since = NULL') : unchanged;
    case 'contained':
      return s.contained_since === null ? set('contained_since = $2', t.at) : unchanged;
    case 'released':
      return s.contained_since !== null ? set('contained_since = NULL') : unchanged;
    case 'audit-failed':
      return !s.audit_failing ? set('audit_failing = true') : unchanged;
    case 'audit-passed':
      if (s.audit_failing) await set('audit_failing = false');
      return unchanged; // a passed audit is not news to the operator
    case 'disqualified':
      return s.disqualified_at === null ? set('disqualified_at = $2', t.at) : unchanged;
    case 'version-outdated':
      return s.version_notified_at === null || t.at.getTime() - s.version_notified_at.getTime() >= t.cooldownMs ? set('version_notified_at = $2', t.at) : unchanged;
    case 'version-ok':
      if (s.version_notified_at !== null) await set('version_notified_at = NULL');
      return unchanged;
  }
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
