/**
 * @module database/statements
 * How the stores send their batch statements (arrays of rows, a few kilobytes of SQL): prepared
 * once per connection, on sessions of their own. A batch statement cost PostgreSQL as much to
 * plan as to run, so it should keep one plan. But a plan made while a table was nearly empty
 * (a full scan and a hash join, cheap then) would be kept as the table grows. Every batch
 * statement finds its rows by key, so their sessions are told to plan index lookups and nested
 * loops whatever the statistics say: the plan made first is then the right one at any size.
 * Everything else runs on sessions of the server's default kind.
 */
import type pg from 'pg';

/** StatementPools says where and how the stores send batch statements; openDatabase makes it. */
export interface StatementPools {
  /** Whether batch statements are prepared: true only where `batches` plans them by key. */
  prepareBatches: boolean;
  /** The pool batch statements run on. */
  batches: pg.Pool;
}

/**
 * BATCH_SESSION is how a batch session plans: never a full scan, hash or merge join where an
 * index and a nested loop will do (those settings only price the alternatives out), and no JIT,
 * which a priced-out plan's cost would otherwise set off. So planned, the generic plan is the
 * right one for any batch, from its first call: a batch of one would otherwise be planned anew
 * every time, its custom plan looking cheaper.
 */
export const BATCH_SESSION = [
  'enable_seqscan=off',
  'enable_hashjoin=off',
  'enable_mergejoin=off',
  'jit=off',
  'plan_cache_mode=force_generic_plan',
] as const;

/**
 * unprepared is how a store uses a pool it was given alone (and PGlite's one session): batch statements parsed and
 * planned on each call.
 */
export function unprepared(pool: pg.Pool): StatementPools {
  return { prepareBatches: false, batches: pool };
}

/** runBatch runs a batch statement (its text and values): named, so prepared, when the pools allow it. */
export function runBatch<R extends pg.QueryResultRow = pg.QueryResultRow>(
  statements: StatementPools,
  name: string,
  query: { text: string; values: unknown[] },
): Promise<pg.QueryResult<R>> {
  const { text, values } = query;
  return statements.batches.query<R>(statements.prepareBatches ? { name, text, values } : { text, values });
}
