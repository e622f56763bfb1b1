/**
 * @module notification/fleet/pg-store
 * FleetStore on PostgreSQL: hand-overs run on the satellite's own pool (its schema first on the
 * search path), settling on the fleet's; each is one statement across the schemas (sql.ts).
 */
import type pg from 'pg';
import { markFailed, markSent } from '../outbox/sql.js';
import {
  handOver,
  reconcile,
  releaseOperator,
  schemasOf,
  settle,
  sourcesOf,
  type HandOver,
  type Settled,
} from './sql.js';
import type { FleetOutcome, FleetStore } from './store.js';

/** PgFleetStore writes the fleet's mail and its satellites' rows on one PostgreSQL. */
export class PgFleetStore implements FleetStore {
  readonly #own: pg.Pool;
  readonly #fleet: pg.Pool;
  readonly #schema: string;

  /** `own` is the satellite's pool, `fleet` the pool whose search path is the fleet's `schema`. */
  constructor(own: pg.Pool, fleet: pg.Pool, schema: string) {
    this.#own = own;
    this.#fleet = fleet;
    this.#schema = schema;
  }

  async handOver(h: HandOver): Promise<void> {
    await this.#own.query(handOver(this.#schema, h));
  }

  async settle(ids: readonly string[], outcome: FleetOutcome, s: Settled): Promise<void> {
    const { rows } = await this.#fleet.query<{ id: string; schema: string }>(sourcesOf(ids));
    const bySchema = new Map<string, string[]>();
    for (const row of rows) bySchema.set(row.schema, [...(bySchema.get(row.schema) ?? []), row.id]);
    const own =
      'sent' in outcome
        ? markSent(ids.map((id) => ({ id, at: outcome.sent })))
        : markFailed(ids, outcome.failed, { ambiguous: outcome.ambiguous });
    await this.#fleet.query(settle(own, bySchema, s));
  }

  async releaseOperator(
    operator: string,
    at: { now: Date; wall: Date },
    reasons: { fleet: string; satellites: string },
  ): Promise<number> {
    const { rows } = await this.#fleet.query<{ schema: string }>(schemasOf(operator));
    const schemas = rows.map((r) => r.schema);
    const ended = await this.#fleet.query<{ n: number }>(releaseOperator(operator, schemas, at, reasons));
    return ended.rows[0]?.n ?? 0;
  }

  async reconcile(at: Date, reasons: { sent: string; back: string }): Promise<void> {
    await this.#own.query(reconcile(this.#schema, at, reasons));
  }
}
