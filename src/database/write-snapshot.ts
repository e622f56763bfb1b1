/**
 * @module database/write-snapshot
 * Makes the embedded database's snapshot (snapshot.ts), which `npm run build` calls: a new
 * database in memory, opened and migrated the way every embedded database is, without the
 * template databases, checkpointed and packed.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { openPglite } from './connect.js';
import { migrate } from './migrate.js';
import { SNAPSHOT_SCHEMA, snapshotFile } from './snapshot.js';

/** writeSnapshot writes the snapshot for the current migrations to `file`. */
export async function writeSnapshot(file: string = snapshotFile()): Promise<void> {
  const db = await openPglite('memory://', SNAPSHOT_SCHEMA);
  try {
    await migrate(db.pool, SNAPSHOT_SCHEMA);
    // satnotify only ever uses `postgres`; the templates are 600 of the 1,000 files a first open
    // writes, and CREATE DATABASE is not something an embedded satnotify database does.
    for (const template of ['template0', 'template1']) {
      await db.lite.exec(`ALTER DATABASE ${template} IS_TEMPLATE false`);
      await db.lite.exec(`DROP DATABASE ${template}`); // alone: DROP DATABASE refuses to run inside a block
    }
    await db.lite.exec('CHECKPOINT');
    const tarball = await db.lite.dumpDataDir('gzip');
    writeFileSync(file, Buffer.from(await tarball.arrayBuffer()));
    // A build after a new migration would otherwise ship the old snapshots too (never used: the name says their
    // version).
    const older = (name: string): boolean =>
      name !== basename(file) && name.startsWith(`pglite-${SNAPSHOT_SCHEMA}-v`) && name.endsWith('.tar.gz');
    for (const name of readdirSync(dirname(file)).filter(older)) rmSync(join(dirname(file), name));
  } finally {
    await db.close();
  }
}
