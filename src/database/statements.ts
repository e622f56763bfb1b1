/**
 * @module database/statements
 * How the stores send their statements. A batch statement (arrays of rows, a few kilobytes of
 * SQL) costs PostgreSQL as much to parse and plan as to run, so it is prepared once per
 * connection, but only on sessions that plan every execution for its parameters: a plan cached
 * while a table was nearly empty (a full scan, cheap then) would be kept as the table grows.
 * A single-row statement whose one cached plan suits every call (a primary-key lookup) goes to
 * sessions that keep the server's default plan choice.
 */
import type pg from 'pg';

/** StatementPools says where and how the stores send statements; openDatabase makes it. */
export interface StatementPools {
  /** Whether batch statements are prepared: true only where the pool's sessions plan every execution anew. */
  prepareBatches: boolean;
  /** The pool for single-row statements that keep one cached plan. */
  cachedPlans: pg.Pool;
}

/** unprepared is how a store uses a pool it was given alone: batch statements parsed and planned on each call, single-row ones prepared there too. */
export function unprepared(pool: pg.Pool): StatementPools {
  return { prepareBatches: false, cachedPlans: pool };
}

/** batchQuery is a batch statement's query config: named (prepared) when the pools allow it. */
export function batchQuery(statements: StatementPools, name: string, text: string, values: unknown[]): pg.QueryConfig {
  return statements.prepareBatches ? { name, text, values } : { text, values };
}
