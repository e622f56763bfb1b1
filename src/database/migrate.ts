/**
 * @module database/migrate
 * Applies pending migrations in one transaction under an advisory lock, so several satellite
 * processes starting at once apply each migration exactly once.
 */
import type pg from 'pg';
import { DatabaseError } from '../errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';

/** An arbitrary, fixed advisory-lock key: "satn" in ASCII. */
const LOCK_KEY = 0x7361746e;

/**
 * migrate applies every migration newer than the database's version, in `schema` (created if
 * missing; the pool's connections search it), and returns the versions applied.
 */
export async function migrate(
  pool: pg.Pool,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await refuseToStrand(client, schema);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`); // under the lock: two processes never race to create it
    await client.query(`CREATE TABLE IF NOT EXISTS satnotify_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM satnotify_migrations');
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO satnotify_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * refuseToStrand stops a first start in `schema` when an earlier version left satnotify's tables
 * in `public` (before database.schema existed): starting afresh would leave held notifications
 * and counters behind, silently.
 */
async function refuseToStrand(client: pg.PoolClient, schema: string): Promise<void> {
  if (schema === 'public') return;
  const { rows } = await client.query<{ here: boolean; public: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS here, to_regclass('public.satnotify_migrations') IS NOT NULL AS public`,
    [`"${schema}".satnotify_migrations`],
  );
  if (rows[0]?.public && !rows[0].here) {
    throw new DatabaseError(
      `satnotify's tables are in schema public (from an earlier version); set database.schema to 'public' to keep using them, or move them to "${schema}" (ALTER TABLE … SET SCHEMA)`,
    );
  }
}
