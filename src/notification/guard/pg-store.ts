/**
 * @module notification/guard/pg-store
 * GuardStore on PostgreSQL or PGlite: the guard is the one row of `satnotify_guard`; turning it on
 * records the alert, and turning it off moves what it held, in the same statement as the change,
 * so of several processes one turns it on (and alerts) and one turns it off.
 */
import type pg from 'pg';
import sql, { type Sql } from 'sql-template-tag';
import { KeyedBatcher } from '../../database/batch.js';
import type { NewItem } from '../outbox/outbox.js';
import { insertItems } from '../outbox/sql.js';
import { AFTER_GUARD, GUARD_HELD, SATELLITE_SIDE, type GuardFigures } from './policy.js';
import type { ChannelKind, EndOptions, GuardEnd, GuardReading, GuardRow, GuardStore } from './store.js';

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

  async read(now: Date, windowMs: number): Promise<GuardReading> {
    const checkedFrom = new Date(now.getTime() - windowMs);
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
        WHERE (failing_since IS NOT NULL OR offline_since IS NOT NULL)
          AND coalesce(failing_since, offline_since) >= coalesce(g.active_since, ${now}) - make_interval(secs => ${windowMs / 1000}))::int AS offline
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

  async hold(
    kinds: readonly string[],
    reason: string,
    until: Date,
    since: Date,
    windowMs: number,
  ): Promise<ChannelKind[]> {
    // Only while the guard is still the one that was read (the row is share-locked, so an end waits
    // for this), only the storm's news (a reminder of an outage told before it goes on), and what a
    // limit held too; a snooze's rows keep their own end.
    const { rows } = await this.#pool.query<ChannelKind & { was: string }>(sql`
      WITH g AS (SELECT 1 FROM satnotify_guard WHERE active_since = ${since} FOR SHARE),
      old AS (
        SELECT id, status FROM satnotify_outbox
        WHERE EXISTS (SELECT 1 FROM g) AND status IN ('pending', 'held') AND kind = ANY(${kinds}::text[])
          AND reservations IS NULL AND (leased_until IS NULL OR leased_until < now())
          AND occurred_at >= ${since}::timestamptz - make_interval(secs => ${windowMs / 1000})
          AND NOT starts_with(coalesce(reason, ''), ${GUARD_HELD}) AND NOT starts_with(coalesce(reason, ''), 'snoozed until ')
        FOR UPDATE SKIP LOCKED
      )
      UPDATE satnotify_outbox o SET status = 'held', reason = ${reason}, due_at = ${until}
      FROM old WHERE o.id = old.id
      RETURNING o.channel, o.kind, old.status AS was`);
    // Counted once: a row a limit had held was counted held then.
    return rows.filter((r) => r.was === 'pending').map(({ channel, kind }) => ({ channel, kind }));
  }

  async end(at: Date, due: Date, reason: string, o: EndOptions): Promise<GuardEnd | null> {
    // A count ends only the guard it read, and never one held by hand; release() ends any.
    const off = sql`UPDATE satnotify_guard SET active_since = NULL, manual = NULL, last_ended = ${at}
      WHERE active_since IS NOT NULL
        AND (${o.seen ?? null}::timestamptz IS NULL OR (active_since = ${o.seen ?? null}::timestamptz AND manual IS NULL))
      RETURNING 1`;
    const r = await this.#release(sql`EXISTS (SELECT 1 FROM off)`, off, due, reason, o);
    return r.ended ? r : null;
  }

  async sweep(due: Date, reason: string, o: EndOptions): Promise<GuardEnd> {
    // While the guard is off nothing may stay held by it: a hold that raced the end is moved as the end moved the rest.
    const off = sql`SELECT 1 WHERE false`;
    return this.#release(
      sql`NOT EXISTS (SELECT 1 FROM satnotify_guard WHERE active_since IS NOT NULL)`,
      off,
      due,
      reason,
      o,
    );
  }

  /**
   * #release moves what the guard holds when `gate` holds: news of nodes that are back ends
   * suppressed, the rest waits until `due`. Also the storm's news not yet held (recorded after the
   * last hold). One statement: its parts see one snapshot, so `back` and `still` take disjoint rows.
   */
  async #release(
    gate: Sql,
    off: Sql,
    due: Date,
    reason: string,
    o: EndOptions,
  ): Promise<GuardEnd & { ended: boolean }> {
    const mine = sql`(leased_until IS NULL OR leased_until < now()) AND reservations IS NULL AND (
      (status = 'held' AND starts_with(reason, ${GUARD_HELD}))
      OR (status = 'pending' AND kind = ANY(${o.kinds}::text[])
          AND occurred_at >= (SELECT active_since FROM satnotify_guard) - make_interval(secs => ${o.windowMs / 1000})))`;
    const { rows } = await this.#pool.query<{ ended: boolean; suppressed: ChannelKind[]; waiting: number }>(sql`
      WITH off AS (${off}), back AS (
        UPDATE satnotify_outbox o SET status = 'suppressed', reason = ${SATELLITE_SIDE}
        WHERE ${gate} AND ${mine} AND ${BACK}
        RETURNING channel, kind
      ), still AS (
        UPDATE satnotify_outbox o SET status = 'held', due_at = ${due}, reason = ${reason}
        WHERE ${gate} AND ${mine} AND NOT ${BACK}
        RETURNING 1
      )
      SELECT EXISTS (SELECT 1 FROM off) AS ended, (SELECT ${LIST} FROM back) AS suppressed,
        (SELECT count(*) FROM still)::int AS waiting`);
    const r = rows[0];
    return { ended: r?.ended ?? false, suppressed: r?.suppressed ?? [], waiting: r?.waiting ?? 0 };
  }

  cameBack(nodeId: string, since: Date): Promise<{ suppressed: ChannelKind[]; held: boolean }> {
    return new Promise((resolve, reject) => this.#comebacks.add({ nodeId, since, resolve, reject }));
  }

  /** #cameBackMany answers a batch of recoveries (a storm's end brings thousands at once) in one statement. */
  async #cameBackMany(batch: readonly Comeback[]): Promise<void> {
    try {
      const { rows } = await this.#pool.query<{
        node: string;
        suppressed: ChannelKind[];
        before: boolean;
        told: boolean;
      }>(sql`
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
            AND x.reason = ${SATELLITE_SIDE} AND x.occurred_at >= req.since) AS before,
          -- An outage its operator was told of (before the storm, say) has its recovery told too.
          EXISTS (SELECT 1 FROM satnotify_outbox x WHERE x.node_id = req.node_id AND x.kind = 'node-offline'
            AND x.status IN ('sent', 'digested') AND x.occurred_at >= req.since) AS told
        FROM req`);
      const by = new Map(rows.map((r) => [r.node, r]));
      for (const c of batch) {
        const r = by.get(c.nodeId);
        const held = ((r?.suppressed.length ?? 0) > 0 || (r?.before ?? false)) && !(r?.told ?? false);
        c.resolve({ suppressed: r?.suppressed ?? [], held });
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
