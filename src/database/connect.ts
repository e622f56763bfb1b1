/**
 * @module database/connect
 * Opens the one SQL path, a `pg` pool: to PostgreSQL when a URL is configured, otherwise to the
 * embedded PGlite through its node-postgres adapter. Migrations run before the pool is handed out.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { redactUrl } from '../redact.js';
import type { DatabaseConfig } from './config.js';
import { DatabaseError } from '../errors.js';
import { migrate } from './migrate.js';
import { seedFromSnapshot } from './snapshot.js';
import { failoverClient, HostChooser } from './failover-client.js';
import { parsePostgresUrl } from './postgres-url.js';
import { BATCH_SESSION, unprepared, type StatementPools } from './statements.js';

/** Database is an open pool plus what is needed to close it and to describe it safely. */
export interface Database {
  pool: pg.Pool;
  /** How the stores send statements on this database (see statements.ts). */
  statements: StatementPools;
  /** `postgres` for a server, `pglite` for the embedded database. */
  kind: 'postgres' | 'pglite';
  /** Where it is, password masked: safe to print. */
  description: string;
  close(): Promise<void>;
}

/** openDatabase connects (or starts PGlite), runs pending migrations, and returns the pool. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  const db = config.url ? await openPostgres(config) : await openPglite(config.dataDir, config.schema);
  try {
    await migrate(db.pool, config.schema);
  } catch (err) {
    await db.close();
    throw err instanceof DatabaseError
      ? err
      : new DatabaseError(`migrating ${db.description} failed: ${(err as Error).message}`, { cause: err });
  }
  return db;
}

/**
 * embeddedDatabaseExists tells whether `dataDir` already holds an embedded database, so a command
 * that only reads (`satnotify status`) can say so instead of creating an empty one.
 */
export function embeddedDatabaseExists(dataDir: string): boolean {
  return dataDir.startsWith('memory://') || existsSync(join(dataDir, 'PG_VERSION'));
}

async function openPostgres(config: DatabaseConfig): Promise<Database> {
  const description = redactUrl(config.url);
  const target = parsePostgresUrl(config.url);
  // Every connection resolves satnotify's tables in its own schema (config validated the name).
  const connect = (settings: readonly string[]): pg.Pool => {
    const options = [`search_path=${config.schema}`, ...settings].map((s) => `-c ${s}`).join(' ');
    const perHost = target.connectTimeoutMs ?? config.connectTimeoutMs;
    const chooser = new HostChooser(target, { options, connectionTimeoutMillis: perHost, keepAlive: true });
    const p = new pg.Pool({
      ...chooser.configFor(target.hosts[0] ?? { host: 'localhost', port: 5432 }),
      Client: failoverClient(chooser, target.targetSessionAttrs),
      max: config.poolSize,
      // The bound on getting a connection, a search over every host included.
      connectionTimeoutMillis: config.connectTimeoutMs,
    });
    // An idle client dies when the server restarts or fails over; the pool replaces it. Without a
    // listener the 'error' event would crash the satellite.
    p.on('error', () => undefined);
    return p;
  };
  // Batch statements run prepared on sessions of their own, which plan them by key; the rest
  // (claims, single rows, pages, counts) on sessions of the default kind. A pool opens a connection
  // only when all its others are busy, so the second rarely holds more than a few.
  let pool: pg.Pool;
  let batches: pg.Pool;
  try {
    pool = connect([]);
    batches = connect(BATCH_SESSION);
  } catch (err) {
    // A URL its own parser reads but node-postgres' cannot (a `#` in a password): said, never quoted.
    throw new DatabaseError(`cannot use database.url (${description}): ${redactUrl((err as Error).message)}`, {
      cause: err,
    });
  }
  const close = async (): Promise<void> => {
    await Promise.all([pool.end(), batches.end()]);
  };
  try {
    // Both pools, so a server that refuses the batch sessions' settings fails here, not at the first hook.
    await Promise.all([pool.query('SELECT 1'), batches.query('SELECT 1')]);
  } catch (err) {
    await close().catch(() => undefined);
    const hosts = target.hosts.map(({ host, port }) => `${host}:${port}`).join(',');
    throw new DatabaseError(
      `cannot connect to PostgreSQL at ${hosts} (${description}): ${redactUrl((err as Error).message)}`,
      { cause: err },
    );
  }
  return { pool, statements: { prepareBatches: true, batches }, kind: 'postgres', description, close };
}

/**
 * openPglite starts PGlite in `dataDir` (a new folder from the snapshot when it can) with `schema`
 * on its search path, before migrations; `lite` is the engine itself (the snapshot is dumped from it).
 * @internal
 */
export async function openPglite(dataDir: string, schema: string): Promise<Database & { lite: PGlite }> {
  let lite: PGlite;
  try {
    if (!dataDir.startsWith('memory://')) {
      mkdirSync(dataDir, { recursive: true });
      seedFromSnapshot(dataDir, schema);
    }
    lite = await PGlite.create(dataDir);
    // PGlite is one session, so the search path set here holds for every query of the pool.
    await lite.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"; SET search_path TO "${schema}"`);
  } catch (err) {
    throw new DatabaseError(`cannot open embedded database in ${dataDir}: ${(err as Error).message}`, { cause: err });
  }
  const pool = keepSessionOnError(new pg.Pool(createPgConfig(lite)));
  return {
    pool,
    // One session, with the default plan choice: batch statements stay unprepared.
    statements: unprepared(pool),
    lite,
    kind: 'pglite',
    description: `pglite:${dataDir}`,
    close: async () => {
      await pool.end();
      await lite.close();
    },
  };
}

/**
 * keepSessionOnError makes `pool.query` give its client back after a failed statement instead of
 * ending it. pg-pool ends a client whose query failed, which on a server closes one connection of
 * many; PGlite's adapter hands every client the one session it has, so ending a client ended the
 * session for every client after it: the next statement failed with "Connection terminated
 * unexpectedly", and the ones after that read each other's answers. A failed statement outside a
 * transaction leaves PGlite's session sound, so the client goes back to the pool.
 */
function keepSessionOnError(pool: pg.Pool): pg.Pool {
  const query = async (text: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult> => {
    const client = await pool.connect();
    try {
      return await client.query(text, values);
    } finally {
      client.release();
    }
  };
  pool.query = query as typeof pool.query;
  return pool;
}
