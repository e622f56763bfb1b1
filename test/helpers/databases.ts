/**
 * The databases the integration suites run against: the embedded PGlite (always) and the real
 * PostgreSQL on 127.0.0.1:5432, database `test`. Under CI=true an unreachable server is a failure,
 * not a skip: the suite then runs and its connection errors fail it.
 */
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { resolveConfig } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/database/connect.js';
import { migrate } from '../../src/database/migrate.js';
import { MIGRATIONS } from '../../src/database/migrations.js';
import { dropAtExit } from './scratch.js';
import type { NodeId } from '../../src/overlay/node-id.js';
import { createNotificationService } from '../../src/notification/create.js';
import type { NotificationService } from '../../src/notification/service.js';

/** PG_URL is the real server the suites use; override with SATNOTIFY_TEST_PG_URL. */
export const PG_URL = process.env['SATNOTIFY_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** DatabaseTarget is one database a suite runs against. */
export interface DatabaseTarget {
  name: 'pglite' | 'postgres';
  /** A reason to skip, or undefined to run. */
  skip: string | undefined;
  open(): Promise<Database>;
}

/** postgresSkipReason is undefined when the server answers, or why the PostgreSQL suites are skipped. */
export const postgresSkipReason: string | undefined = await probe();

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    if (process.env['CI'] === 'true') return undefined; // run anyway, so the failure shows
    return `PostgreSQL at ${PG_URL} unreachable (${(err as Error).message}); start it with pg_ctlcluster`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** openTestDatabase opens one target with migrations applied. */
export function openTarget(name: DatabaseTarget['name'], url = PG_URL): Promise<Database> {
  const database = name === 'pglite' ? { dataDir: 'memory://' } : { url };
  return openDatabase(resolveConfig({ database }).database);
}

/** TARGETS lists both databases. */
export const TARGETS: readonly DatabaseTarget[] = [
  { name: 'pglite', skip: undefined, open: () => openTarget('pglite') },
  { name: 'postgres', skip: postgresSkipReason, open: () => openTarget('postgres') },
];

/** uniqueSubject makes a key no other test or run uses, so suites can share the `test` database. */
export function uniqueSubject(prefix = 'node'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * freshPostgresUrl creates a dedicated database on the test server and returns its URL, for suites
 * that must see only their own rows (selections, fault tests). The name gets this process's id, so
 * concurrent runs do not collide, and the database is dropped when the process exits.
 */
export async function freshPostgresUrl(base: string): Promise<string> {
  const name = `${base}_${process.pid}`;
  dropAtExit(name, PG_URL);
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** randomNodeId returns a fresh random node id in hex. */
export function randomNodeIdHex(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');
}

/**
 * sqlClient is a plain client on `url` that sees satnotify's tables (in the default `satnotify` schema), for tests that
 * inspect rows.
 */
export function sqlClient(url: string): pg.Client {
  return new pg.Client({ connectionString: url, options: '-c search_path=satnotify' });
}

/**
 * oldDatabase makes an embedded database in `dataDir` as an earlier version left it: migrations up
 * to `version` in schema satnotify, then whatever `fill` writes in that version's row format.
 */
export async function oldDatabase(
  dataDir: string,
  version: number,
  fill: (pool: pg.Pool) => Promise<unknown>,
): Promise<void> {
  const lite = await PGlite.create(dataDir);
  await lite.exec('CREATE SCHEMA satnotify; SET search_path TO satnotify');
  const pool = new pg.Pool(createPgConfig(lite));
  try {
    await migrate(
      pool,
      'satnotify',
      MIGRATIONS.filter((m) => m.version <= version),
    );
    await fill(pool);
  } finally {
    await pool.end();
    await lite.close();
  }
}

/**
 * legacyNode writes a node as an earlier version's `nodes` table held it, and returns the template
 * data its emails carried then (the fields satnotify filled in itself, beside the kind's own).
 */
export async function legacyNode(
  pool: pg.Pool,
  id: NodeId,
  address: string,
  occurredAt: string,
): Promise<Record<string, unknown>> {
  await pool.query(`INSERT INTO nodes (id, address, email) VALUES ($1, $2, 'op@example.com')`, [id.bytes, address]);
  const port = address.split(':')[1];
  return {
    satellite: { name: 'Satellite' },
    recipient: 'op@example.com',
    timezone: 'UTC',
    node: { id: id.toString(), shortId: id.short, address, port },
    occurredAt,
  };
}

/** upgradedService opens today's service on an earlier version's embedded database (migrating it), sending to `smtpUrl`. */
export function upgradedService(dataDir: string, smtpUrl: string): Promise<NotificationService> {
  return createNotificationService({
    database: { dataDir },
    smtp: { url: smtpUrl },
    limits: { email: { minDelay: '0s' } },
    dispatcher: { autoStart: false },
  });
}

/**
 * bothDatabases is a suite's two targets, the embedded PGlite and a fresh PostgreSQL database
 * (dropped at exit), for a `describe` per target; PostgreSQL's is skipped, with the reason, where
 * it is unreachable (never under CI).
 */
export async function bothDatabases(
  prefix: string,
): Promise<Array<{ name: string; database?: { url: string }; skip?: string }>> {
  return [
    { name: 'PGlite' },
    postgresSkipReason
      ? { name: 'PostgreSQL', skip: postgresSkipReason }
      : { name: 'PostgreSQL', database: { url: await freshPostgresUrl(prefix) } },
  ];
}

/** openRows counts a database's notifications still to go (pending, held or retrying). */
export async function openRows(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM satnotify_outbox WHERE status IN ('pending', 'held', 'retry')`,
  );
  return Number(rows[0]?.n);
}
