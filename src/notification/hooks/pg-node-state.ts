/**
 * @module notification/hooks/pg-node-state
 * NodeStateStore on PostgreSQL or PGlite: each node's state as a row of `satnotify_node_state`,
 * written with the notifications it is news of in one statement. Hooks made in the same tick share
 * one read and one write per set of columns (a storm reports thousands of nodes at once).
 *
 * Optimistic, for a whole batch: read the nodes' states, plan each transition (pure), and write
 * each column's changes guarded by the state they were planned from. A transition whose guard
 * misses (a concurrent hook changed the node) is planned again.
 */
import type pg from 'pg';
import sql, { join, raw, type Sql } from 'sql-template-tag';
import { KeyedBatcher } from '../../database/batch.js';
import { runBatch, unprepared, type StatementPools } from '../../database/statements.js';
import type { NewItem } from '../outbox/outbox.js';
import { insertItems } from '../outbox/sql.js';
import type { BuildItems, NodeStateStore } from './node-state.js';
import { INITIAL_STATE, planTransition, type NodeState, type StateWrite, type Transition } from './transitions.js';

/** Each state field's column and SQL type: the one place the table's columns are spelled. */
const COLUMNS: Readonly<
  Record<keyof NodeState, { column: string; type: 'timestamptz' | 'integer' | 'boolean' | 'float8' }>
> = {
  offlineSince: { column: 'offline_since', type: 'timestamptz' },
  failingSince: { column: 'failing_since', type: 'timestamptz' },
  flapCount: { column: 'flap_count', type: 'integer' },
  flapWindowStart: { column: 'flap_window_start', type: 'timestamptz' },
  flappingSince: { column: 'flapping_since', type: 'timestamptz' },
  lastChangeAt: { column: 'last_change_at', type: 'timestamptz' },
  containedSince: { column: 'contained_since', type: 'timestamptz' },
  auditFailing: { column: 'audit_failing', type: 'boolean' },
  disqualifiedAt: { column: 'disqualified_at', type: 'timestamptz' },
  versionNotifiedAt: { column: 'version_notified_at', type: 'timestamptz' },
  offlineSuspendedAt: { column: 'offline_suspended_at', type: 'timestamptz' },
  unknownAuditSuspendedAt: { column: 'unknown_audit_suspended_at', type: 'timestamptz' },
  offlineReminders: { column: 'offline_reminders', type: 'integer' },
  offlineSuspensionReminders: { column: 'offline_suspension_reminders', type: 'integer' },
  unknownAuditSuspensionReminders: { column: 'unknown_audit_suspension_reminders', type: 'integer' },
  snoozedUntil: { column: 'snoozed_until', type: 'timestamptz' },
  snoozeUntilBack: { column: 'snooze_until_back', type: 'boolean' },
  auditScore: { column: 'audit_score', type: 'float8' },
  auditDegrading: { column: 'audit_degrading', type: 'boolean' },
  unknownAuditScore: { column: 'unknown_audit_score', type: 'float8' },
  unknownAuditDegrading: { column: 'unknown_audit_degrading', type: 'boolean' },
  onlineScore: { column: 'online_score', type: 'float8' },
  onlineDegrading: { column: 'online_degrading', type: 'boolean' },
  welcomedAt: { column: 'welcomed_at', type: 'timestamptz' },
  vettedAt: { column: 'vetted_at', type: 'timestamptz' },
};
type Field = keyof NodeState;
const FIELDS = Object.keys(COLUMNS) as Field[];

/** The most hook transitions one batch carries. */
const MAX_TRANSITIONS = 500;
/** How often one transition is planned again before the hook gives up. */
const MAX_ATTEMPTS = 10;

/** A hook call waiting for its transition to be recorded. */
interface PendingTransition {
  transition: Transition;
  build: BuildItems;
  attempts: number;
  resolve: (items: NewItem[]) => void;
  reject: (err: unknown) => void;
}

/** A transition planned on the state read, with the items it records if it applies. */
interface PlannedWrite {
  call: PendingTransition;
  write: StateWrite;
  /** What the written fields held when the plan was made: the guard. */
  from: StateWrite;
  /** Whether the node's state row existed when read. */
  known: boolean;
  items: NewItem[];
}

/** PgNodeStateStore implements NodeStateStore with batched, guarded statements. */
export class PgNodeStateStore implements NodeStateStore {
  readonly #statements: StatementPools;
  readonly #batcher = new KeyedBatcher<PendingTransition>({
    run: (batch) => this.#apply(batch),
    keyOf: (c) => c.transition.nodeId,
    max: MAX_TRANSITIONS,
  });

  constructor(pool: pg.Pool, statements: StatementPools = unprepared(pool)) {
    this.#statements = statements;
  }

  record(transition: Transition, build: BuildItems): Promise<NewItem[]> {
    return new Promise((resolve, reject) => this.#batcher.add({ transition, build, attempts: 0, resolve, reject }));
  }

  async #apply(batch: PendingTransition[]): Promise<void> {
    // Rows are taken in one global order, so two processes' batches do not wait on each other in a circle.
    batch.sort((a, b) => (a.transition.nodeId < b.transition.nodeId ? -1 : 1));
    let states: Map<string, NodeState>;
    try {
      const { rows } = await runBatch<Record<string, unknown> & { node_id: Buffer }>(
        this.#statements,
        'satnotify_read_states',
        readStates(batch.map((c) => c.transition.nodeId)),
      );
      states = new Map(rows.map((r) => [r.node_id.toString('hex'), toState(r)]));
    } catch (err) {
      for (const c of batch) c.reject(err);
      return;
    }
    const planned = await Promise.all(
      batch.map(async (call): Promise<PlannedWrite | null> => {
        const known = states.get(call.transition.nodeId);
        const state = known ?? INITIAL_STATE;
        const plan = planTransition(state, call.transition);
        if (!plan.write) {
          call.resolve([]);
          return null;
        }
        try {
          return {
            call,
            write: plan.write,
            from: guardOf(state, plan.write),
            known: known !== undefined,
            items: await call.build(plan.result),
          };
        } catch (err) {
          call.reject(err); // unknown node, bad input or template: nothing is written for this call
          return null;
        }
      }),
    );
    // Writes of the same fields share one statement.
    const byFields = new Map<string, PlannedWrite[]>();
    for (const w of planned) {
      if (!w) continue;
      const key = fieldsOf(w.write).join(',');
      const writes = byFields.get(key) ?? [];
      writes.push(w);
      byFields.set(key, writes);
    }
    await Promise.all(
      [...byFields.values()].map((writes) => this.#write(fieldsOf((writes[0] as PlannedWrite).write), writes)),
    );
  }

  async #write(fields: readonly Field[], writes: PlannedWrite[]): Promise<void> {
    let applied: Set<string>;
    try {
      const { rows } = await runBatch<{ node_id: Buffer }>(
        this.#statements,
        statementName(fields),
        transitions(fields, writes),
      );
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
      else if (++call.attempts >= MAX_ATTEMPTS)
        call.reject(
          new Error(
            `satnotify: the state of node ${call.transition.nodeId} kept changing; gave up recording ${call.transition.change}`,
          ),
        );
      else this.#batcher.add(call, true);
    }
  }
}

/** readStates reads the state rows of the nodes given (hex ids). */
function readStates(nodeIds: readonly string[]): Sql {
  return sql`SELECT node_id, ${raw(FIELDS.map((f) => COLUMNS[f].column).join(', '))} FROM satnotify_node_state WHERE node_id = ANY(${nodeIds.map((id) => Buffer.from(id, 'hex'))}::bytea[])`;
}

/**
 * transitions writes `fields` for many nodes and inserts the items of exactly the nodes whose
 * write happened: one statement, so a recorded change and its notifications exist together or not
 * at all. A row that existed changes only if every written column still holds its planned-from
 * value; a missing row is created, or, if a concurrent hook created it meanwhile, changed only if
 * those columns still hold their initial values. It returns the nodes that changed.
 */
function transitions(fields: readonly Field[], writes: readonly PlannedWrite[]): Sql {
  const columns = fields.map((f) => raw(COLUMNS[f].column));
  const arrays = fields.flatMap((f) => {
    const type = raw(`::${COLUMNS[f].type}[]`);
    return [sql`${writes.map((w) => w.write[f] ?? null)}${type}`, sql`${writes.map((w) => w.from[f] ?? null)}${type}`];
  });
  const names = raw(fields.flatMap((_, i) => [`to_${i}`, `from_${i}`]).join(', '));
  const set = (from: 'change' | 'excluded'): Sql =>
    join(
      fields.map((f, i) =>
        raw(`${COLUMNS[f].column} = ${from === 'change' ? `change.to_${i}` : `EXCLUDED.${COLUMNS[f].column}`}`),
      ),
    );
  const unchanged = join(
    fields.map((f, i) => raw(`s.${COLUMNS[f].column} IS NOT DISTINCT FROM change.from_${i}`)),
    ' AND ',
  );
  const initial = join(
    fields.map((f) => raw(`s.${COLUMNS[f].column} IS NOT DISTINCT FROM ${literal(INITIAL_STATE[f])}`)),
    ' AND ',
  );
  return sql`WITH change AS (
    SELECT * FROM unnest(${writes.map((w) => Buffer.from(w.call.transition.nodeId, 'hex'))}::bytea[], ${writes.map((w) => w.known)}::boolean[], ${join(arrays)}) AS change(node_id, known, ${names})
  ), updated AS (
    UPDATE satnotify_node_state s SET ${set('change')} FROM change
    WHERE change.known AND s.node_id = change.node_id AND ${unchanged}
    RETURNING s.node_id
  ), created AS (
    INSERT INTO satnotify_node_state AS s (node_id, ${join(columns)})
    SELECT node_id, ${raw(fields.map((_, i) => `to_${i}`).join(', '))} FROM change WHERE NOT known ORDER BY node_id
    ON CONFLICT (node_id) DO UPDATE SET ${set('excluded')} WHERE ${initial}
    RETURNING s.node_id
  ), applied AS (
    SELECT node_id FROM updated UNION ALL SELECT node_id FROM created
  ), items AS (
    ${insertItems(writes.flatMap((w) => w.items))} WHERE v.node_id IN (SELECT node_id FROM applied)
    RETURNING 1
  )
  SELECT node_id FROM applied`;
}

/**
 * statementName names the statement writing `fields` (in fieldsOf's order) by a bit mask of them:
 * PostgreSQL cuts names at 63 bytes, and names spelling out the columns would share that prefix
 * (and so one prepared statement) across sets.
 */
function statementName(fields: readonly Field[]): string {
  const mask = fields.reduce((bits, f) => bits | (1 << FIELDS.indexOf(f)), 0);
  return `satnotify_transitions_${mask.toString(16).padStart(3, '0')}`;
}

/** fieldsOf lists the fields a write sets, in one order, so equal sets share a statement. */
function fieldsOf(write: StateWrite): Field[] {
  return (Object.keys(write) as Field[]).sort();
}

/** guardOf is what the fields of `write` held in `state`. */
function guardOf(state: NodeState, write: StateWrite): StateWrite {
  return Object.fromEntries(fieldsOf(write).map((f) => [f, state[f]]));
}

/** literal is a state's initial value as SQL (null, a number, a boolean: never text from outside). */
function literal(value: NodeState[Field]): string {
  return value === null ? 'NULL' : String(value);
}

/** isConflict tells a deadlock or serialization failure, after which a statement may simply run again. */
function isConflict(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === '40P01' || code === '40001';
}

function toState(row: Record<string, unknown>): NodeState {
  return Object.fromEntries(FIELDS.map((f) => [f, row[COLUMNS[f].column]])) as unknown as NodeState;
}
