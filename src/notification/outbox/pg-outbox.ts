/**
 * @module notification/outbox/pg-outbox
 * Outbox on PostgreSQL or PGlite: notifications and digests as rows of `satnotify_outbox`. Workers
 * claim whole groups with row leases taken under FOR UPDATE SKIP LOCKED and a per-group advisory
 * lock, so several processes share the work and never deliver one row twice at once. The
 * statements are sql.ts's builders.
 */
import type pg from 'pg';
import { KeyedBatcher } from '../../database/batch.js';
import { runBatch, unprepared, type StatementPools } from '../../database/statements.js';
import { FreshStatistics } from '../../database/statistics.js';
import type { Reservation } from '../limits/store.js';
import type {
  FeedCursor,
  Erased,
  FeedQuery,
  HistoryQuery,
  HistoryRow,
  NewItem,
  Outbox,
  OutboxCount,
  OutboxItem,
  OutboxStatus,
  Owned,
  PruneBatch,
  Pruned,
  PruneRequest,
  Retry,
} from './outbox.js';
import * as q from './sql.js';

/** A row as `SELECT *` reads it. */
interface ItemRow {
  id: string;
  channel: string;
  group_key: string;
  node_id: Buffer | null;
  copy_of: string | null;
  kind: string;
  bypass: boolean;
  payload: OutboxItem['payload'];
  title: string;
  summary: string;
  status: OutboxStatus;
  reason: string | null;
  attempts: number;
  ambiguous_attempts: number;
  due_at: Date;
  occurred_at: Date;
  created_at: Date;
  operator: string | null;
  sent_at: Date | null;
  digest_id: string | null;
  reservations: Array<
    Omit<Reservation, 'at' | 'hrStart' | 'dayStart' | 'previousLastSent'> &
      Record<'at' | 'hrStart' | 'dayStart', string> & { previousLastSent: string | null }
  > | null;
}

/** The most row writes (reservations, sends, digests) one statement carries. */
const MAX_WRITES = 500;

/** A row write waiting for its batch's statement. */
interface QueuedWrite<C> {
  call: C;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** PgOutbox implements Outbox with parameterised SQL. */
export class PgOutbox implements Outbox {
  readonly #pool: pg.Pool;
  readonly #statements: StatementPools;
  // A pass delivers many groups at once, and each writes its row before sending and after. Writes
  // of one kind made while the last such write is in flight share one statement (and one commit),
  // each caller still waiting for its own: one statement per batch instead of one per group (five
  // for a digest) is most of what a storm's drain costs the database, and Node's socket writes.
  readonly #digests = this.#writer<q.DigestWrite>('satnotify_digest', q.insertDigests, (c) => c.digest.id);
  readonly #attached = this.#writer<{ id: string; reservations: readonly Reservation[] }>(
    'satnotify_attach',
    q.attachReservations,
    (c) => c.id,
  );
  readonly #sent = this.#writer<{ id: string; at: Date }>('satnotify_sent', q.markSent, (c) => c.id);
  /** A storm's rows, planned for as if they were not there, would make every claim read the whole backlog. */
  readonly #statistics = new FreshStatistics('satnotify_outbox', ['status', 'due_at', 'leased_until', 'group_key']);

  constructor(pool: pg.Pool, statements: StatementPools = unprepared(pool)) {
    this.#pool = pool;
    this.#statements = statements;
  }

  async insert(items: readonly NewItem[]): Promise<readonly NewItem[]> {
    if (items.length > 0) await runBatch(this.#statements, 'satnotify_insert_items', q.insertItems(items));
    return items;
  }

  async claim(o: q.ClaimOptions): Promise<OutboxItem[]> {
    await this.#statistics.refresh(this.#pool);
    return (await this.#pool.query<ItemRow>(q.claim(o))).rows.map(toItem);
  }

  insertDigest(digest: NewItem, folded: readonly string[], owned: Owned): Promise<void> {
    return this.#write(this.#digests, { digest, folded, owned });
  }

  attachReservations(id: string, reservations: readonly Reservation[]): Promise<void> {
    return this.#write(this.#attached, { id, reservations });
  }

  async release(ids: readonly string[]): Promise<void> {
    await this.#pool.query(q.release(ids));
  }

  markSent(id: string, at: Date): Promise<void> {
    return this.#write(this.#sent, { id, at });
  }

  async markHeld(ids: readonly string[], dueAt: Date, reason: string): Promise<void> {
    await this.#pool.query(q.markHeld(ids, dueAt, reason));
  }

  async markRetry(id: string, retry: Retry): Promise<void> {
    await this.#pool.query(q.markRetry(id, retry));
  }

  async markSuppressed(ids: readonly string[], reason: string): Promise<void> {
    await this.#pool.query(q.markSuppressed(ids, reason));
  }

  async markFailed(ids: readonly string[], reason: string, attempt?: { ambiguous: boolean }): Promise<void> {
    await this.#pool.query(q.markFailed(ids, reason, attempt));
  }

  async moveHeld(nodeId: string, reasonPrefix: string, dueAt: Date, reason: string): Promise<number> {
    return (await this.#pool.query(q.moveHeld(nodeId, reasonPrefix, dueAt, reason))).rowCount ?? 0;
  }

  async suppressOpen(
    nodeId: string,
    except: string,
    reason: string,
  ): Promise<Array<{ channel: string; kind: string }>> {
    return (await this.#pool.query<{ channel: string; kind: string }>(q.suppressOpen(nodeId, except, reason))).rows;
  }

  async get(id: string): Promise<OutboxItem | null> {
    const { rows } = await this.#pool.query<ItemRow>(q.get(id));
    return rows[0] ? toItem(rows[0]) : null;
  }

  async forOperator(operator: string, query: FeedQuery): Promise<OutboxItem[]> {
    return (await this.#pool.query<ItemRow>(q.forOperator(operator, query))).rows.map(toItem);
  }

  async feedPosition(operator: string, id: string): Promise<FeedCursor | null> {
    const { rows } = await this.#pool.query<{ created_at: Date; id: string }>(q.feedPosition(operator, id));
    return rows[0] ? { createdAt: rows[0].created_at, id: rows[0].id } : null;
  }

  async counts(): Promise<OutboxCount[]> {
    const { rows } = await this.#pool.query<Omit<OutboxCount, 'count'> & { count: string }>(q.counts());
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  async prune(request: PruneRequest): Promise<PruneBatch> {
    const { rows } = await this.#pool.query<{ held: boolean; deleted: string; feed_items: string }>(q.prune(request));
    const r = rows[0];
    if (!r) throw new Error('satnotify: the prune statement returned no row');
    return { deleted: Number(r.deleted), feedItems: Number(r.feed_items), busy: !r.held };
  }

  async compact(): Promise<void> {
    // Plain VACUUM takes no lock that blocks reads or writes; it cannot run in a transaction.
    await this.#pool.query('VACUUM satnotify_outbox');
  }

  async pruned(operator: string): Promise<Pruned | null> {
    const { rows } = await this.#pool.query<{ items: string; through: Date }>(q.pruned(operator));
    return rows[0] ? { items: Number(rows[0].items), through: rows[0].through } : null;
  }

  async eraseOperator(operator: string, now: Date, reason: string): Promise<Erased> {
    const { rows } = await this.#pool.query<{ rows: string; suppressed: string; in_flight: string }>(
      q.eraseOperator(operator, now, reason),
    );
    const r = rows[0];
    return { rows: Number(r?.rows ?? 0), suppressed: Number(r?.suppressed ?? 0), inFlight: Number(r?.in_flight ?? 0) };
  }

  async history(query: HistoryQuery): Promise<HistoryRow[]> {
    const { rows } = await this.#pool.query<
      ItemRow & { digest_status: OutboxStatus | null; digest_sent_at: Date | null }
    >(q.history(query));
    return rows.map((r) => ({
      ...toItem(r),
      digest:
        r.digest_id && r.digest_status ? { id: r.digest_id, status: r.digest_status, sentAt: r.digest_sent_at } : null,
    }));
  }

  /** #writer batches one kind of row write: the calls of a tick share one statement, and its outcome. */
  #writer<C>(
    name: string,
    statement: (batch: C[]) => q.Query,
    keyOf: (call: C) => string,
  ): KeyedBatcher<QueuedWrite<C>> {
    return new KeyedBatcher<QueuedWrite<C>>({
      keyOf: (w) => keyOf(w.call),
      max: MAX_WRITES,
      inFlight: 1,
      run: async (batch) => {
        try {
          await runBatch(this.#statements, name, statement(batch.map((w) => w.call)));
          for (const w of batch) w.resolve();
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      },
    });
  }

  #write<C>(batcher: KeyedBatcher<QueuedWrite<C>>, call: C): Promise<void> {
    return new Promise((resolve, reject) => batcher.add({ call, resolve, reject }));
  }
}

/** toItem reads a row. */
function toItem(r: ItemRow): OutboxItem {
  return {
    id: r.id,
    channel: r.channel,
    groupKey: r.group_key,
    nodeId: r.node_id ? r.node_id.toString('hex') : null,
    copyOf: r.copy_of,
    kind: r.kind,
    bypass: r.bypass,
    payload: r.payload,
    title: r.title,
    summary: r.summary,
    status: r.status,
    reason: r.reason,
    attempts: r.attempts,
    ambiguousAttempts: r.ambiguous_attempts,
    dueAt: r.due_at,
    occurredAt: r.occurred_at,
    createdAt: r.created_at,
    operator: r.operator,
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
