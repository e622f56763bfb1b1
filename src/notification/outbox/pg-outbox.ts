/**
 * @module notification/outbox/pg-outbox
 * Outbox on PostgreSQL or PGlite: notifications and digests as rows of `satnotify_outbox`, node
 * state transitions in `satnotify_node_state`. Workers claim whole groups with row leases taken
 * under FOR UPDATE SKIP LOCKED and a per-group advisory lock, so several processes share the work
 * and never deliver one row twice at once.
 */
import type pg from 'pg';
import { KeyedBatcher } from '../../database/batch.js';
import { runBatch, unprepared, type StatementPools } from '../../database/statements.js';
import { FreshStatistics } from '../../database/statistics.js';
import type { NewItem, Outbox, OutboxCount, OutboxItem, OutboxStatus, Transition, TransitionResult } from './outbox.js';
import type { Reservation } from '../limits/store.js';
import { COLUMN_OF, INITIAL_STATE, planTransition, type NodeState, type StateColumn, type StateWrite } from '../hooks/transitions.js';

interface ItemRow {
  id: string;
  channel: string;
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
  ambiguous_attempts: number;
  due_at: Date;
  occurred_at: Date;
  created_at: Date;
  operator: string | null;
  sent_at: Date | null;
  digest_id: string | null;
  reservations: Array<Omit<Reservation, 'at' | 'hrStart' | 'dayStart' | 'previousLastSent'> & Record<'at' | 'hrStart' | 'dayStart', string> & { previousLastSent: string | null }> | null;
}

const OPEN = `('pending', 'held', 'retry')`;
/** How many due rows a pass reads per group it may claim (an operator's group holds a few). */
const ROWS_PER_GROUP = 4;

// Groups with something due, oldest first; a group another worker holds (advisory lock) is skipped,
// and the rows are leased under FOR UPDATE SKIP LOCKED. $1 now, $2 lease end, $3 group count, $4 one group or NULL,
// $5 the groups the caller is still delivering (left out).
// The groups come from the earliest due rows, read in order through the partial due_at index, so a
// pass costs what it claims, not the whole backlog (50,000 waiting items made every pass scan them
// all). A group's first row is its oldest, so these are still the oldest groups; when older groups
// hold many rows, a pass just takes fewer groups. They come back in the order they happened, and
// were recorded (seq) when they happened at one instant.
const CLAIM = `
WITH first_rows AS (
  SELECT group_key, due_at FROM satnotify_outbox
  WHERE status IN ${OPEN} AND due_at <= $1 AND (leased_until IS NULL OR leased_until < $1)
    AND ($4::text IS NULL OR group_key = $4) AND group_key <> ALL($5::text[])
  ORDER BY due_at LIMIT $3::int * ${ROWS_PER_GROUP}
), due AS (
  SELECT group_key, min(due_at) AS first_due FROM first_rows GROUP BY group_key ORDER BY first_due LIMIT $3
), mine AS (
  SELECT group_key FROM due WHERE pg_try_advisory_xact_lock(hashtextextended(group_key, 0))
), rows AS (
  SELECT o.id FROM satnotify_outbox o JOIN mine USING (group_key)
  WHERE o.status IN ${OPEN} AND o.due_at <= $1 AND (o.leased_until IS NULL OR o.leased_until < $1)
  FOR UPDATE OF o SKIP LOCKED
), claimed AS (
  UPDATE satnotify_outbox o SET leased_until = $2
  FROM rows WHERE o.id = rows.id
  RETURNING o.*
)
SELECT * FROM claimed ORDER BY occurred_at, created_at, seq`;

/** A hook call waiting for its transition to be recorded. */
interface PendingTransition {
  transition: Transition;
  build: (prev: TransitionResult) => NewItem[] | Promise<NewItem[]>;
  attempts: number;
  resolve: (items: NewItem[]) => void;
  reject: (err: unknown) => void;
}

/** A transition planned on the state read, with the items it records if it applies. */
interface PlannedWrite {
  call: PendingTransition;
  write: StateWrite;
  /** What the written columns held when the plan was made: the guard. */
  from: StateWrite;
  /** Whether the node's state row existed when read. */
  known: boolean;
  items: NewItem[];
}

/** The most hook transitions one batch carries. */
const MAX_TRANSITIONS = 500;
/** How often one transition is planned again before the hook gives up. */
const MAX_ATTEMPTS = 10;

/** The most row writes (reservations, sends, digests) one statement carries. */
const MAX_WRITES = 500;

/** A row write waiting for its batch's statement. */
interface QueuedWrite<C> {
  call: C;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** A digest to insert, already leased and owning its reservations, with the items it folds. */
interface DigestWrite {
  digest: NewItem;
  folded: readonly string[];
  owned: Owned;
}

const ATTACH_SQL = `UPDATE satnotify_outbox o SET reservations = v.reservations
FROM jsonb_to_recordset($1::jsonb) AS v(id text, reservations jsonb) WHERE o.id = v.id`;

const SENT_SQL = `UPDATE satnotify_outbox o SET status = 'sent', sent_at = v.at, leased_until = NULL, reason = NULL, reservations = NULL
FROM unnest($1::text[], $2::timestamptz[]) AS v(id, at) WHERE o.id = v.id`;

const INSERT_COLUMNS = 'id, channel, group_key, node_id, kind, bypass, payload, title, summary, due_at, occurred_at, created_at, operator';

/** PgOutbox implements Outbox with parameterised SQL. */
export class PgOutbox implements Outbox {
  readonly #pool: pg.Pool;
  /** Hook transitions made in the same tick share one read and one write per state column. */
  readonly #transitions = new KeyedBatcher<PendingTransition>({ run: (batch) => this.#applyTransitions(batch), keyOf: (c) => c.transition.nodeId, max: MAX_TRANSITIONS });
  // A pass delivers many groups at once, and each writes its row before sending and after. Writes
  // of one kind made while the last such write is in flight share one statement (and one commit),
  // each caller still waiting for its own: one statement per batch instead of one per group (five
  // for a digest) is most of what a storm's drain costs the database, and Node's socket writes.
  readonly #digests = this.#writer<DigestWrite>('satnotify_digest', (b) => [DIGEST_SQL, [itemRows(b.map((c) => c.digest), b.map((c) => c.owned)), b.flatMap((c) => c.folded), b.flatMap((c) => c.folded.map(() => c.digest.id))]], (c) => c.digest.id);
  readonly #attached = this.#writer<{ id: string; reservations: readonly Reservation[] }>('satnotify_attach', (b) => [ATTACH_SQL, [JSON.stringify(b.map((c) => ({ id: c.id, reservations: c.reservations })))]], (c) => c.id);
  readonly #sent = this.#writer<{ id: string; at: Date }>('satnotify_sent', (b) => [SENT_SQL, [b.map((c) => c.id), b.map((c) => c.at)]], (c) => c.id);

  readonly #statements: StatementPools;
  /** A storm's rows, planned for as if they were not there, would make every claim read the whole backlog. */
  readonly #statistics = new FreshStatistics('satnotify_outbox', ['status', 'due_at', 'leased_until', 'group_key']);

  constructor(pool: pg.Pool, statements: StatementPools = unprepared(pool)) {
    this.#pool = pool;
    this.#statements = statements;
  }

  async record(transition: Transition | null, build: (prev: TransitionResult) => NewItem[] | Promise<NewItem[]>): Promise<NewItem[]> {
    if (!transition) return this.#insert(await build({ applied: true, offlineSince: null, containedSince: null, disqualified: false }));
    return new Promise((resolve, reject) => this.#transitions.add({ transition, build, attempts: 0, resolve, reject }));
  }

  async claim(o: { now: Date; leaseUntil: Date; groups: number; groupKey?: string; busy?: readonly string[] }): Promise<OutboxItem[]> {
    await this.#statistics.refresh(this.#pool);
    const { rows } = await this.#pool.query<ItemRow>(CLAIM, [o.now, o.leaseUntil, o.groups, o.groupKey ?? null, o.busy ?? []]);
    return rows.map(toItem);
  }

  insertDigest(digest: NewItem, folded: readonly string[], leaseUntil: Date, reservations: readonly Reservation[]): Promise<void> {
    return this.#write(this.#digests, { digest, folded, owned: { leaseUntil, reservations } });
  }

  attachReservations(id: string, reservations: readonly Reservation[]): Promise<void> {
    return this.#write(this.#attached, { id, reservations });
  }

  async release(ids: readonly string[]): Promise<void> {
    await this.#pool.query('UPDATE satnotify_outbox SET leased_until = NULL WHERE id = ANY($1::text[])', [ids]);
  }

  markSent(id: string, at: Date): Promise<void> {
    return this.#write(this.#sent, { id, at });
  }

  async markHeld(ids: readonly string[], dueAt: Date, reason: string): Promise<void> {
    await this.#pool.query(`UPDATE satnotify_outbox SET status = 'held', due_at = $2, reason = $3, leased_until = NULL WHERE id = ANY($1::text[])`, [ids, dueAt, reason]);
  }

  async markRetry(id: string, dueAt: Date, reason: string, reservations: readonly Reservation[], ambiguous: boolean): Promise<void> {
    await this.#pool.query(`UPDATE satnotify_outbox SET status = 'retry', attempts = attempts + 1, ambiguous_attempts = ambiguous_attempts + $5::int, due_at = $2, reason = $3, reservations = $4, leased_until = NULL WHERE id = $1`, [
      id,
      dueAt,
      reason,
      JSON.stringify(reservations),
      ambiguous ? 1 : 0,
    ]);
  }

  async markSuppressed(ids: readonly string[], reason: string): Promise<void> {
    await this.#pool.query(`UPDATE satnotify_outbox SET status = 'suppressed', reason = $2, leased_until = NULL WHERE id = ANY($1::text[])`, [ids, reason]);
  }

  async markFailed(ids: readonly string[], reason: string): Promise<void> {
    await this.#pool.query(`UPDATE satnotify_outbox SET status = 'failed', reason = $2, leased_until = NULL, reservations = NULL WHERE id = ANY($1::text[])`, [ids, reason]);
  }

  async suppressOpen(nodeId: string, except: string, reason: string): Promise<Array<{ channel: string; kind: string }>> {
    // Leases run on the wall clock, so a row a worker holds right now is left to that worker.
    const { rows } = await this.#pool.query<{ channel: string; kind: string }>(
      `UPDATE satnotify_outbox SET status = 'suppressed', reason = $3
       WHERE node_id = $1 AND kind <> $2 AND status IN ('pending', 'held') AND reservations IS NULL AND (leased_until IS NULL OR leased_until < now())
       RETURNING channel, kind`,
      [Buffer.from(nodeId, 'hex'), except, reason],
    );
    return rows;
  }

  async get(id: string): Promise<OutboxItem | null> {
    const { rows } = await this.#pool.query<ItemRow>('SELECT * FROM satnotify_outbox WHERE id = $1', [id]);
    return rows[0] ? toItem(rows[0]) : null;
  }

  async forOperator(operator: string, limit: number, after?: string): Promise<OutboxItem[]> {
    // One row per notification: its copies on several channels share the moment, the node and the kind.
    const { rows } = await this.#pool.query<ItemRow>(
      `SELECT * FROM (
         SELECT DISTINCT ON (created_at, node_id, kind) * FROM satnotify_outbox
         WHERE operator = $1 AND kind <> 'digest'
           AND ($3::text IS NULL OR created_at > (SELECT created_at FROM satnotify_outbox WHERE id = $3 AND operator = $1))
         ORDER BY created_at DESC, node_id, kind, channel
       ) n ORDER BY created_at DESC, id LIMIT $2`,
      [operator, limit, after ?? null],
    );
    return rows.map(toItem);
  }

  async counts(): Promise<OutboxCount[]> {
    const { rows } = await this.#pool.query<Omit<OutboxCount, 'count'> & { count: string }>(
      `SELECT o.channel, o.kind, o.status, d.status AS "digestStatus", count(*) AS count
       FROM satnotify_outbox o LEFT JOIN satnotify_outbox d ON d.id = o.digest_id
       GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    );
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  async #insert(items: NewItem[]): Promise<NewItem[]> {
    if (items.length > 0) await runBatch(this.#statements, 'satnotify_insert_items', INSERT_ITEMS, [itemRows(items)]);
    return items;
  }

  /** #writer batches one kind of row write: the calls of a tick share one statement, and its outcome. */
  #writer<C>(name: string, statement: (batch: C[]) => [string, unknown[]], keyOf: (call: C) => string): KeyedBatcher<QueuedWrite<C>> {
    return new KeyedBatcher<QueuedWrite<C>>({
      keyOf: (q) => keyOf(q.call),
      max: MAX_WRITES,
      inFlight: 1,
      run: async (batch) => {
        try {
          const [text, values] = statement(batch.map((q) => q.call));
          await runBatch(this.#statements, name, text, values);
          for (const q of batch) q.resolve();
        } catch (err) {
          for (const q of batch) q.reject(err);
        }
      },
    });
  }

  #write<C>(batcher: KeyedBatcher<QueuedWrite<C>>, call: C): Promise<void> {
    return new Promise((resolve, reject) => batcher.add({ call, resolve, reject }));
  }

  /**
   * Batch statements run prepared on sessions that plan them by key, so the one plan each keeps
   * suits any table size (see database/statements.ts).
   *
   * Optimistic, for a whole batch: read the nodes' states, plan each transition (pure), and write
   * each column's changes guarded by the state they were planned from, in one statement with their
   * items. A transition whose guard misses (a concurrent hook changed the node) is planned again.
   */
  async #applyTransitions(batch: PendingTransition[]): Promise<void> {
    // Rows are taken in one global order, so two processes' batches do not wait on each other in a circle.
    batch.sort((a, b) => (a.transition.nodeId < b.transition.nodeId ? -1 : 1));
    let states: Map<string, StateRow>;
    try {
      const { rows } = await runBatch<StateRow & { node_id: Buffer }>(this.#statements, 'satnotify_read_states', READ_STATES, [batch.map((c) => Buffer.from(c.transition.nodeId, 'hex'))]);
      states = new Map(rows.map((r) => [r.node_id.toString('hex'), r]));
    } catch (err) {
      for (const c of batch) c.reject(err);
      return;
    }
    const planned = await Promise.all(
      batch.map(async (call): Promise<PlannedWrite | null> => {
        const row = states.get(call.transition.nodeId);
        const state = row ? toState(row) : INITIAL_STATE;
        const plan = planTransition(state, call.transition);
        if (!plan.write) {
          call.resolve([]);
          return null;
        }
        try {
          return { call, write: plan.write, from: guardOf(state, plan.write), known: row !== undefined, items: await call.build(plan.result) };
        } catch (err) {
          call.reject(err); // unknown node, bad input or template: nothing is written for this call
          return null;
        }
      }),
    );
    // Writes of the same columns share one statement.
    const byColumns = new Map<string, PlannedWrite[]>();
    for (const w of planned) {
      if (!w) continue;
      const key = columnsOf(w.write).join(',');
      const writes = byColumns.get(key) ?? [];
      writes.push(w);
      byColumns.set(key, writes);
    }
    await Promise.all([...byColumns.values()].map((writes) => this.#writeTransitions(columnsOf((writes[0] as PlannedWrite).write), writes)));
  }

  async #writeTransitions(columns: readonly StateColumn[], writes: PlannedWrite[]): Promise<void> {
    let applied: Set<string>;
    try {
      const { rows } = await runBatch<{ node_id: Buffer }>(this.#statements, ...transitionsStatement(columns), [
        writes.map((w) => Buffer.from(w.call.transition.nodeId, 'hex')),
        writes.map((w) => w.known),
        ...columns.flatMap((c) => [writes.map((w) => w.write[c] ?? null), writes.map((w) => w.from[c] ?? null)]),
        itemRows(writes.flatMap((w) => w.items)),
      ]);
      applied = new Set(rows.map((r) => r.node_id.toString('hex')));
    } catch (err) {
      // Two processes' batches can still deadlock (a row one created while the other read it as
      // missing); PostgreSQL aborts one statement, whose transitions are then simply planned again.
      if (!isConflict(err)) {
        for (const w of writes) w.call.reject(err);
        return;
      }
      applied = new Set();
    }
    for (const { call, items } of writes) {
      if (applied.has(call.transition.nodeId)) call.resolve(items);
      else if (++call.attempts >= MAX_ATTEMPTS) call.reject(new Error(`satnotify: the state of node ${call.transition.nodeId} kept changing; gave up recording ${call.transition.change}`));
      else this.#transitions.add(call, true);
    }
  }
}

/**
 * New items as one JSON array of rows in $<param> (itemRows): one statement inserts any number of
 * items. One JSON text costs far less to build than sixteen array literals, each of whose
 * elements (a payload's JSON, quotes and all) the driver escapes character by character.
 * An item that waits for operator grouping (due after it was created) joins the earliest waiting
 * item of its group, stored or in the same statement, so everything arriving within one wait
 * leaves together.
 */
function insertItemsSql(param: number): string {
  return `INSERT INTO satnotify_outbox (${INSERT_COLUMNS}, status, reason, leased_until, reservations)
  SELECT v.id, v.channel, v.group_key, v.node_id, v.kind, v.bypass, v.payload, v.title, v.summary,
         CASE WHEN v.due_at > v.created_at THEN LEAST(min(v.due_at) FILTER (WHERE v.due_at > v.created_at) OVER (PARTITION BY v.group_key), (
           SELECT min(w.due_at) FROM satnotify_outbox w
           WHERE w.group_key = v.group_key AND w.status = 'pending' AND w.due_at > w.created_at)) ELSE v.due_at END,
         v.occurred_at, v.created_at, v.operator, CASE WHEN v.suppressed IS NULL THEN 'pending' ELSE 'suppressed' END, v.suppressed, v.leased_until, v.reservations
  FROM (SELECT r.*, decode(r.node_hex, 'hex') AS node_id
        FROM jsonb_to_recordset($${param}::jsonb) AS r(id text, channel text, group_key text, node_hex text, kind text, bypass boolean, payload jsonb, title text,
             summary text, due_at timestamptz, occurred_at timestamptz, created_at timestamptz, suppressed text, operator text, leased_until timestamptz, reservations jsonb)) AS v`;
}

const INSERT_ITEMS = insertItemsSql(1);

/**
 * DIGEST_SQL inserts digests and folds their items into them ($2 the folded ids, $3 their
 * digests), in one statement, so a digest and its items' new status exist together or not at all.
 */
const DIGEST_SQL = `WITH folded AS (
  UPDATE satnotify_outbox o SET status = 'digested', digest_id = f.digest_id, leased_until = NULL, reservations = NULL
  FROM unnest($2::text[], $3::text[]) AS f(id, digest_id) WHERE o.id = f.id
  RETURNING 1
)
${INSERT_ITEMS}`;

/** Owned is a new row made already claimed: the worker's lease, and the reservations it sends on (a digest). */
interface Owned {
  leaseUntil: Date;
  reservations: readonly Reservation[];
}

/** itemRows lays items out as the JSON rows insertItemsSql reads; `owned[k]` is item k's lease and reservations, if any. */
function itemRows(items: readonly NewItem[], owned?: readonly Owned[]): string {
  return JSON.stringify(
    items.map((i, k) => ({
      id: i.id,
      channel: i.channel,
      group_key: i.groupKey,
      node_hex: i.nodeId,
      kind: i.kind,
      bypass: i.bypass,
      payload: i.payload,
      title: i.title,
      summary: i.summary,
      due_at: i.dueAt,
      occurred_at: i.occurredAt,
      created_at: i.createdAt,
      suppressed: i.suppressed ?? null,
      operator: i.operator,
      leased_until: owned?.[k]?.leaseUntil ?? null,
      reservations: owned?.[k]?.reservations ?? null,
    })),
  );
}

interface StateRow {
  offline_since: Date | null;
  failing_since: Date | null;
  flap_count: number;
  flap_window_start: Date | null;
  flapping_since: Date | null;
  last_change_at: Date | null;
  contained_since: Date | null;
  audit_failing: boolean;
  disqualified_at: Date | null;
  version_notified_at: Date | null;
  offline_suspended_at: Date | null;
  unknown_audit_suspended_at: Date | null;
}

/** The SQL type of each state column, and the value a node starts with (the row's default). */
const COLUMN_TYPES: Record<StateColumn, { type: string; initial: string }> = {
  offline_since: { type: 'timestamptz', initial: 'NULL' },
  failing_since: { type: 'timestamptz', initial: 'NULL' },
  flap_count: { type: 'integer', initial: '0' },
  flap_window_start: { type: 'timestamptz', initial: 'NULL' },
  flapping_since: { type: 'timestamptz', initial: 'NULL' },
  last_change_at: { type: 'timestamptz', initial: 'NULL' },
  contained_since: { type: 'timestamptz', initial: 'NULL' },
  audit_failing: { type: 'boolean', initial: 'false' },
  disqualified_at: { type: 'timestamptz', initial: 'NULL' },
  version_notified_at: { type: 'timestamptz', initial: 'NULL' },
  offline_suspended_at: { type: 'timestamptz', initial: 'NULL' },
  unknown_audit_suspended_at: { type: 'timestamptz', initial: 'NULL' },
};

const READ_STATES = `SELECT node_id, ${Object.keys(COLUMN_TYPES).join(', ')} FROM satnotify_node_state WHERE node_id = ANY($1::bytea[])`;

/** columnsOf lists the columns a write sets, in one order, so equal sets share a statement. */
function columnsOf(write: StateWrite): StateColumn[] {
  return (Object.keys(write) as StateColumn[]).sort();
}

/** guardOf is what the columns of `write` held in `state`. */
function guardOf(state: NodeState, write: StateWrite): StateWrite {
  const from: StateWrite = {};
  for (const [field, column] of Object.entries(COLUMN_OF) as Array<[keyof NodeState, StateColumn]>) if (column in write) from[column] = state[field];
  return from;
}

/**
 * transitionsSql writes `columns` for many nodes ($1 ids, $2 whether the node's row existed when
 * read, then per column the new values and the values the plans were made from) and inserts the
 * items (after those) of exactly the nodes whose write happened: one statement, so a recorded
 * change and its notifications exist together or not at all. A row that existed changes only if
 * every written column still holds its planned-from value; a missing row is created, or, if a
 * concurrent hook created it meanwhile, changed only if those columns still hold their initial
 * values. It returns the nodes that changed.
 */
function transitionsSql(columns: readonly StateColumn[]): string {
  const arrays = columns.flatMap((c, i) => [`$${3 + 2 * i}::${COLUMN_TYPES[c].type}[]`, `$${4 + 2 * i}::${COLUMN_TYPES[c].type}[]`]);
  const names = columns.flatMap((_, i) => [`to_${i}`, `from_${i}`]);
  const set = (from: string): string => columns.map((c, i) => `${c} = ${from === 'change' ? `change.to_${i}` : `EXCLUDED.${c}`}`).join(', ');
  return `WITH change AS (
    SELECT * FROM unnest($1::bytea[], $2::boolean[], ${arrays.join(', ')}) AS change(node_id, known, ${names.join(', ')})
  ), updated AS (
    UPDATE satnotify_node_state s SET ${set('change')} FROM change
    WHERE change.known AND s.node_id = change.node_id AND ${columns.map((c, i) => `s.${c} IS NOT DISTINCT FROM change.from_${i}`).join(' AND ')}
    RETURNING s.node_id
  ), created AS (
    INSERT INTO satnotify_node_state AS s (node_id, ${columns.join(', ')})
    SELECT node_id, ${columns.map((_, i) => `to_${i}`).join(', ')} FROM change WHERE NOT known ORDER BY node_id
    ON CONFLICT (node_id) DO UPDATE SET ${set('excluded')} WHERE ${columns.map((c) => `s.${c} IS NOT DISTINCT FROM ${COLUMN_TYPES[c].initial}`).join(' AND ')}
    RETURNING s.node_id
  ), applied AS (
    SELECT node_id FROM updated UNION ALL SELECT node_id FROM created
  ), items AS (
    ${insertItemsSql(3 + 2 * columns.length)} WHERE v.node_id IN (SELECT node_id FROM applied)
    RETURNING 1
  )
  SELECT node_id FROM applied`;
}

/** The transitions statement per set of columns, named and written once: a batch reuses it, not rebuilds it. */
const TRANSITIONS = new Map<string, [name: string, text: string]>();
const STATE_COLUMNS = Object.keys(COLUMN_TYPES) as StateColumn[];

/**
 * transitionsStatement is the name and text of the statement writing `columns` (in columnsOf's
 * order). The name carries the set as a bit mask: PostgreSQL cuts names at 63 bytes, and names
 * spelling out the columns would share that prefix (and so one prepared statement) across sets.
 */
function transitionsStatement(columns: readonly StateColumn[]): [name: string, text: string] {
  const key = columns.join(',');
  let statement = TRANSITIONS.get(key);
  if (!statement) {
    const mask = columns.reduce((bits, c) => bits | (1 << STATE_COLUMNS.indexOf(c)), 0);
    TRANSITIONS.set(key, (statement = [`satnotify_transitions_${mask.toString(16).padStart(3, '0')}`, transitionsSql(columns)]));
  }
  return statement;
}

/** isConflict tells a deadlock or serialization failure, after which a statement may simply run again. */
function isConflict(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === '40P01' || code === '40001';
}

function toState(r: StateRow): NodeState {
  return {
    offlineSince: r.offline_since,
    failingSince: r.failing_since,
    flapCount: r.flap_count,
    flapWindowStart: r.flap_window_start,
    flappingSince: r.flapping_since,
    lastChangeAt: r.last_change_at,
    containedSince: r.contained_since,
    auditFailing: r.audit_failing,
    disqualifiedAt: r.disqualified_at,
    versionNotifiedAt: r.version_notified_at,
    offlineSuspendedAt: r.offline_suspended_at,
    unknownAuditSuspendedAt: r.unknown_audit_suspended_at,
  };
}

/** toItem reads a row. */
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
