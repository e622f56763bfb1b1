/**
 * satnotify's tables live in their own PostgreSQL schema (database.schema, default `satnotify`), so
 * a satellite's database with its own `nodes` table is left alone, and two configurations can share
 * one database.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { resolveConfig } from '../../../src/config.js';
import { openDatabase } from '../../../src/database/connect.js';
import { migrate } from '../../../src/database/migrate.js';
import { MIGRATIONS } from '../../../src/database/migrations.js';
import { NOTIFICATION_STATUSES } from '../../../src/kinds.js';
import { freshPostgresUrl, postgresSkipReason, TARGETS } from '../../helpers/databases.js';

describe('database.schema', () => {
  it(
    'a satellite with its own public.nodes table: satnotify creates satnotify.nodes beside it and leaves it alone',
    { skip: postgresSkipReason },
    async () => {
      const url = await freshPostgresUrl('satnotify_schema_test');
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query('CREATE TABLE public.nodes (id bytea PRIMARY KEY, piece_count bigint NOT NULL)');
        await admin.query(`INSERT INTO public.nodes VALUES ('\\x01', 42)`);
        for (const schema of ['satnotify', 'other_sat']) {
          const db = await openDatabase(resolveConfig({ database: { url, schema } }).database);
          await db.pool.query(`INSERT INTO nodes (id, address) VALUES ('\\x02', 'h.example:1')`);
          await db.close();
        }
        const { rows } = await admin.query<{ schema: string; n: string }>(
          `SELECT table_schema AS schema, count(*) AS n FROM information_schema.tables WHERE table_name = 'nodes' GROUP BY 1 ORDER BY 1`,
        );
        assert.deepEqual(rows, [
          { schema: 'other_sat', n: '1' },
          { schema: 'public', n: '1' },
          { schema: 'satnotify', n: '1' },
        ]);
        assert.deepEqual(
          (await admin.query('SELECT piece_count FROM public.nodes')).rows,
          [{ piece_count: '42' }],
          "the satellite's table is untouched",
        );
      } finally {
        await admin.end();
      }
    },
  );

  it('a database migrated in public by an earlier version is not silently left behind', async () => {
    // An earlier version's migrations table in public, as it left it.
    const lite = await PGlite.create('memory://');
    await lite.exec('CREATE TABLE public.satnotify_migrations (version integer PRIMARY KEY, name text NOT NULL)');
    const pool = new pg.Pool(createPgConfig(lite));
    try {
      await assert.rejects(
        migrate(pool, 'satnotify'),
        /tables are in schema public .*set database\.schema to 'public'/,
      );
      assert.deepEqual(
        await migrate(pool, 'public'),
        MIGRATIONS.map((m) => m.version),
        'the old location still works when named',
      );
    } finally {
      await pool.end();
      await lite.close();
    }
  });

  it('the embedded database uses the schema too', async () => {
    const db = await openDatabase(
      resolveConfig({ database: { dataDir: 'memory://', schema: 'embedded_sat' } }).database,
    );
    try {
      const { rows } = await db.pool.query<{ table_schema: string }>(
        `SELECT DISTINCT table_schema FROM information_schema.tables WHERE table_name LIKE 'satnotify_%'`,
      );
      assert.deepEqual(rows, [{ table_schema: 'embedded_sat' }]);
    } finally {
      await db.close();
    }
  });

  it('refuses a schema name that is not a plain identifier', () => {
    assert.throws(
      () => resolveConfig({ database: { schema: 'x"; DROP TABLE nodes; --' } }),
      /database\.schema: must be a lower-case SQL identifier/,
    );
  });
});

describe('the outbox status', () => {
  it('is one of the statuses kinds.ts lists: the CHECK refuses any other, on both databases', async () => {
    for (const target of TARGETS) {
      if (target.skip) continue;
      const db = await target.open();
      try {
        const row = (status: string) =>
          db.pool.query(
            `INSERT INTO satnotify_outbox (id, channel, group_key, kind, payload, title, summary, status, due_at, occurred_at, created_at)
            VALUES ($1, 'email', 'g', 'node-offline', '{}', 't', 's', $2, now(), now(), now())`,
            [randomUUID(), status],
          );
        for (const status of NOTIFICATION_STATUSES) await row(status);
        await assert.rejects(
          row('sending'),
          (err: { code?: string }) => err.code === '23514',
          `${target.name}: an unknown status is refused`,
        );
      } finally {
        await db.pool.query(`DELETE FROM satnotify_outbox WHERE group_key = 'g'`);
        await db.close();
      }
    }
  });
});
