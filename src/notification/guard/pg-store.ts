/**
 * @module notification/guard/pg-store
 * GuardStore on PostgreSQL or PGlite: the guard is the one row of `satnotify_guard`; turning it on
 * records the alert, and turning it off moves what it held, in the same statement as the change,
 * so of several processes one turns it on (and alerts) and one turns it off.
 */
import type pg from 'pg';
import sql from 'sql-template-tag';
import { KeyedBatcher } from '../../database/batch.js';
import type { NewItem } from '../outbox/outbox.js';
import { insertItems } from '../outbox/sql.js';
import { AFTER_GUARD, GUARD_HELD, SATELLITE_SIDE, type GuardFigures } from './policy.js';
import type { ChannelKind, GuardEnd, GuardReading, GuardRow, GuardStore } from './store.js';

/** A guard-held row of this node, not leased by a send. */
const HELD_HERE = sql`status = 'held' AND starts_with(reason, ${GUARD_HELD})
  AND (leased_until IS NULL OR leased_until < now())`;
/** A node whose last check passed (its state row says neither failing nor offline). */
const BACK = sql`EXISTS (SELECT 1 FROM satnotify_node_state s
  WHERE s.node_id = o.node_id AND s.offline_since IS NULL AND s.failing_since IS NULL)`;
const LIST = sql`coalesce(json_agg(json_build_object('channel', channel, 'kind', kind)), '[]')`;

/** PgGuardStore keeps the guard in `satnotify_guard`. */
export class PgGuardStore implements GuardStore {
  readonly #pool: pg.Pool;
  /** Whether `nodes` is this database's overlay table: the checked count comes from its contact times. */
  readonly #countsChecked: boolean;

  readonly #comebacks = new KeyedBatcher<Comeback>({
    run: (batch) => this.#cameBackMany(batch),
    keyOf: (c) => c.nodeId,
    max: 500,
    inFlight: 2,
  });

  constructor(pool: pg.Pool, options: { countsChecked: boolean }) {
    this.#pool = pool;
    this.#countsChecked = options.countsChecked;
  }

  async row(): Promise<GuardRow> {
    const { rows } = await this.#pool.query<{
      active_since: Date | null;
      manual: string | null;
      last_ended: Date | null;
    }>('SELECT active_since, manual, last_ended FROM satnotify_guard');
    const r = rows[0];
    if (!r) throw new Error('satnotify_guard has no row: the schema was not migrated');
    return { activeSince: r.active_since, manual: r.manual, lastEnded: r.last_ended };
  }

  async read(now: Date, windowMs: number, checkedFrom: Date): Promise<GuardReading> {
    // Gone offline: the streak's first failed check, reported or not, since the window before now
    // (or, during a storm, before the storm began) and still down.
    const checked = this.#countsChecked
      ? sql`(SELECT count(*) FROM nodes WHERE greatest(last_contact_success, last_contact_failure) >= ${checkedFrom})::int`
      : sql`NULL::int`;
    const { rows } = await this.#pool.query<{
      active_since: Date | null;
      manual: string | null;
      last_ended: Date | null;
      checked: number | null;
      offline: number;
    }>(sql`SELECT g.active_since, g.manual, g.last_ended, ${checked} AS checked,
      (SELECT count(*) FROM satnotify_node_state
        WHERE coalesce(failing_since, offline_since) >= coalesce(g.active_since, ${now}) - make_interval(secs => ${windowMs / 1000}))::int AS offline
    FROM satnotify_guard g`);
    const r = rows[0];
    if (!r) throw new Error('satnotify_guard has no row: the schema was not migrated');
    return {
      activeSince: r.active_since,
      manual: r.manual,
      lastEnded: r.last_ended,
      checked: r.checked ?? 0,
      offline: r.offline,
    };
  }

  async begin(at: Date, f: GuardFigures, manual: string | null, alert: NewItem | null): Promise<boolean> {
    const flip = sql`UPDATE satnotify_guard SET active_since = ${at}, manual = ${manual},
      checked = ${f.checked}, offline = ${f.offline} WHERE active_since IS NULL RETURNING 1`;
    const r = alert
      ? await this.#pool.query(sql`WITH flip AS (${flip}) ${insertItems([alert])} WHERE EXISTS (SELECT 1 FROM flip)`)
      : await this.#pool.query(sql`WITH flip AS (${flip}) SELECT 1 FROM flip`);
    return (r.rowCount ?? 0) > 0;
  }

  async holdByHand(reason: string): Promise<void> {
    await this.#pool.query(
      sql`UPDATE satnotify_guard SET manual = coalesce(manual, ${reason}) WHERE active_since IS NOT NULL`,
    );
  }

  async hold(kinds: readonly string[], reason: string, until: Date): Promise<ChannelKind[]> {
    // What a limit held waits for the guard too; a snooze's rows keep their own end.
    const { rows } = await this.#pool.query<ChannelKind>(sql`UPDATE satnotify_outbox
      SET status = 'held', reason = ${reason}, due_at = ${until}
      WHERE status IN ('pending', 'held') AND kind = ANY(${kinds}::text[]) AND reservations IS NULL
        AND (leased_until IS NULL OR leased_until < now())
        AND NOT starts_with(coalesce(reason, ''), ${GUARD_HELD}) AND NOT starts_with(coalesce(reason, ''), 'snoozed until ')
      RETURNING channel, kind`);
    return rows;
  }

  async end(at: Date, due: Date, reason: string): Promise<GuardEnd | null> {
    // One statement: its parts see one snapshot, so `back` and `still` take disjoint rows.
    const { rows } = await this.#pool.query<{ ended: boolean; suppressed: ChannelKind[]; waiting: number }>(sql`
      WITH off AS (
        UPDATE satnotify_guard SET active_since = NULL, manual = NULL, last_ended = ${at}
        WHERE active_since IS NOT NULL RETURNING 1
      ), back AS (
        UPDATE satnotify_outbox o SET status = 'suppressed', reason = ${SATELLITE_SIDE}
        WHERE EXISTS (SELECT 1 FROM off) AND ${HELD_HERE} AND ${BACK}
        RETURNING channel, kind
      ), still AS (
        UPDATE satnotify_outbox o SET due_at = ${due}, reason = ${reason}
        WHERE EXISTS (SELECT 1 FROM off) AND ${HELD_HERE} AND NOT ${BACK}
        RETURNING 1
      )
      SELECT EXISTS (SELECT 1 FROM off) AS ended, (SELECT ${LIST} FROM back) AS suppressed,
        (SELECT count(*) FROM still)::int AS waiting`);
    const r = rows[0];
    return r?.ended ? { suppressed: r.suppressed, waiting: r.waiting } : null;
  }

  cameBack(nodeId: string, since: Date): Promise<{ suppressed: ChannelKind[]; held: boolean }> {
    return new Promise((resolve, reject) => this.#comebacks.add({ nodeId, since, resolve, reject }));
  }

  /** #cameBackMany answers a batch of recoveries (a storm's end brings thousands at once) in one statement. */
  async #cameBackMany(batch: readonly Comeback[]): Promise<void> {
    try {
      const { rows } = await this.#pool.query<{ node: string; suppressed: ChannelKind[]; before: boolean }>(sql`
        WITH req AS (
          SELECT decode(r.node, 'hex') AS node_id, r.since FROM unnest(${batch.map((c) => c.nodeId)}::text[],
            ${batch.map((c) => c.since)}::timestamptz[]) AS r(node, since)
        ), back AS (
          UPDATE satnotify_outbox o SET status = 'suppressed', reason = ${SATELLITE_SIDE}
          FROM req WHERE o.node_id = req.node_id AND o.status = 'held'
            AND (starts_with(o.reason, ${GUARD_HELD}) OR starts_with(o.reason, ${AFTER_GUARD}))
            AND (o.leased_until IS NULL OR o.leased_until < now())
          RETURNING o.node_id, o.channel, o.kind
        )
        SELECT encode(req.node_id, 'hex') AS node,
          (SELECT ${LIST} FROM back b WHERE b.node_id = req.node_id) AS suppressed,
          EXISTS (SELECT 1 FROM satnotify_outbox x WHERE x.node_id = req.node_id AND x.status = 'suppressed'
            AND x.reason = ${SATELLITE_SIDE} AND x.occurred_at >= req.since) AS before
        FROM req`);
      const by = new Map(rows.map((r) => [r.node, r]));
      for (const c of batch) {
        const r = by.get(c.nodeId);
        c.resolve({ suppressed: r?.suppressed ?? [], held: (r?.suppressed.length ?? 0) > 0 || (r?.before ?? false) });
      }
    } catch (err) {
      for (const c of batch) c.reject(err);
    }
  }
}

/** A recovery waiting for its batch. */
interface Comeback {
  nodeId: string;
  since: Date;
  resolve: (r: { suppressed: ChannelKind[]; held: boolean }) => void;
  reject: (err: unknown) => void;
}
