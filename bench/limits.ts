/**
 * Limit decisions per second: our check-and-count (MaxHr + MaxDay + MinDelay) against
 * rate-limiter-flexible, a single limiter and the union of three that gives our semantics.
 *
 * The workload, the same for both sides: decisions walk over 10,000 node keys, each key asked
 * twice in a row (a node that fails, and is reported again moments later), the clock advancing
 * 10 ms per decision and a day per pass over the keys. So exactly half are first sends (granted)
 * and half come within MinDelay (denied by us and by the union's gap limiter; a single RLF limiter
 * of 2 per hour grants both). RLF keeps its own wall clock, which is its usual way. Each side has
 * its own sequence, so ours and the peer see the same keys at the same instants.
 */
import type pg from 'pg';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterUnion,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { MemoryStatusStore } from '../src/notification/limits/memory-store.js';
import { PgStatusStore } from '../src/notification/limits/pg-store.js';
import type { StatusStore } from '../src/notification/limits/store.js';
import type { StatementPools } from '../src/database/statements.js';
import { compare, opsPerSecond, type Comparison } from './measure.js';

const KEYS = 10_000;
const LIMITS = { timezone: 'UTC', maxHr: 2, maxDay: 5, minDelayMs: 15 * 60_000 };
const BASE = Date.UTC(2024, 0, 1, 10);

/**
 * Where the limits live: memory (no pool), or a database as openDatabase opened it (its pool and how the store uses
 * it).
 */
type Backend = { name: string; pool: null } | { name: string; pool: pg.Pool; statements: StatementPools };

/** limitBenchmarks compares on one backend (memory when pool is null), sequential and at concurrency 32. */
export async function limitBenchmarks(backend: Backend, ops: number): Promise<Comparison[]> {
  const ours: StatusStore = backend.pool
    ? new PgStatusStore(backend.pool, backend.statements)
    : new MemoryStatusStore();
  const single = await limiter(backend, 'single', LIMITS.maxHr, 3600);
  const union = new RateLimiterUnion(
    await limiter(backend, 'hour', LIMITS.maxHr, 3600),
    await limiter(backend, 'day', LIMITS.maxDay, 86_400),
    await limiter(backend, 'gap', 1, LIMITS.minDelayMs / 1000),
  );
  const key = (i: number): string => `k${Math.floor(i / 2) % KEYS}`;
  const at = (i: number): Date => new Date(BASE + Math.floor(i / (2 * KEYS)) * 86_400_000 + (i % (2 * KEYS)) * 10);
  const oursOp = (i: number): Promise<unknown> => ours.reserve({ subject: key(i), channel: 'email' }, at(i), LIMITS);
  // A denial is a decision too: RLF rejects with its result object.
  const rlf =
    (l: { consume(key: string): Promise<unknown> }) =>
    (i: number): Promise<unknown> =>
      l.consume(key(i)).catch(() => undefined);
  const out: Comparison[] = [];
  for (const concurrency of [1, 32]) {
    const mode = concurrency === 1 ? 'sequential' : 'concurrency 32';
    // Each side walks its own sequence; the concurrent mode starts past what the sequential one used.
    const base = concurrency === 1 ? 0 : 10 * ops;
    const run = (op: (i: number) => Promise<unknown>) => {
      let offset = base;
      return async (): Promise<number> => {
        const rate = await opsPerSecond(op, ops, concurrency, offset);
        offset += ops;
        return rate;
      };
    };
    const oursRun = run(oursOp); // one sequence for both comparisons: ours never asks a key twice over
    out.push(
      await compare(`limit decisions, ${backend.name}, ${mode}`, 'RLF single limiter', oursRun, run(rlf(single)), 3),
    );
    out.push(
      await compare(
        `limit decisions, ${backend.name}, ${mode}`,
        'RLF union (hour+day+gap)',
        oursRun,
        run(rlf(union)),
        3,
      ),
    );
  }
  return out;
}

async function limiter(
  backend: Backend,
  prefix: string,
  points: number,
  duration: number,
): Promise<RateLimiterAbstract> {
  if (!backend.pool) return new RateLimiterMemory({ keyPrefix: prefix, points, duration });
  const pool = backend.pool;
  return new Promise((resolve, reject) => {
    const l: RateLimiterPostgres = new RateLimiterPostgres(
      {
        storeClient: pool,
        storeType: 'pg',
        tableName: `rlf_${prefix}`,
        keyPrefix: prefix,
        points,
        duration,
        clearExpiredByTimeout: false,
      },
      (err?: Error) => (err ? reject(err) : resolve(l)),
    );
  });
}
