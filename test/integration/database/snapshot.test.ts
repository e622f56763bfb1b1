/**
 * A new embedded data folder starts from the snapshot `npm run build` makes (the test run builds
 * first): the same tables, columns and indexes as a database made by initdb and the migrations,
 * opened again as it was left; a folder for another schema is made the slow way.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type pg from 'pg';
import { resolveConfig } from '../../../src/config.js';
import { openDatabase } from '../../../src/database/connect.js';
import { seedFromSnapshot, snapshotFile } from '../../../src/database/snapshot.js';
import { scratchDir } from '../../helpers/scratch.js';

const SHAPE = `
  SELECT 'column' AS what, table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS it
  FROM information_schema.columns WHERE table_schema = $1
  UNION ALL SELECT 'index', indexdef FROM pg_indexes WHERE schemaname = $1
  UNION ALL SELECT 'migration', version::text || ' ' || name FROM satnotify_migrations
  ORDER BY 1, 2`;

async function shape(pool: pg.Pool, schema: string): Promise<string[]> {
  return (await pool.query<{ what: string; it: string }>(SHAPE, [schema])).rows.map((r) => `${r.what}: ${r.it}`);
}

describe('embedded database snapshot', () => {
  it('exists for the current migrations after the build', () => {
    assert.ok(existsSync(snapshotFile()), `${snapshotFile()} (npm run build makes it)`);
  });

  it('a new folder seeded from it has the schema initdb and the migrations make, and reopens as left', async () => {
    const dir = join(scratchDir('snapshot'), 'db');
    const seeded = await openDatabase(resolveConfig({ database: { dataDir: dir } }).database);
    const fresh = await openDatabase(resolveConfig({ database: { dataDir: 'memory://' } }).database);
    try {
      assert.ok(existsSync(join(dir, 'PG_VERSION')), 'the folder holds a database');
      assert.deepEqual(await shape(seeded.pool, 'satnotify'), await shape(fresh.pool, 'satnotify'));
      await seeded.pool.query(`INSERT INTO satnotify_preferences (operator, prefs) VALUES ('a@example.com', '{}')`);
    } finally {
      await seeded.close();
      await fresh.close();
    }
    const again = await openDatabase(resolveConfig({ database: { dataDir: dir } }).database);
    try {
      assert.equal(
        (await again.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM satnotify_preferences')).rows[0]?.n,
        1,
      );
    } finally {
      await again.close();
    }
  });

  it('is used only for a new, empty folder in its own schema', async () => {
    const root = scratchDir('snapshot');
    assert.equal(seedFromSnapshot(root, 'elsewhere'), false, 'another schema is made the slow way');
    assert.deepEqual(readdirSync(root), []);
    const other = await openDatabase(
      resolveConfig({ database: { dataDir: join(root, 'db'), schema: 'elsewhere' } }).database,
    );
    try {
      assert.deepEqual(
        (
          await other.pool.query(
            `SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('satnotify', 'elsewhere') ORDER BY 1`,
          )
        ).rows,
        [{ schema_name: 'elsewhere' }],
      );
    } finally {
      await other.close();
    }
  });
});
