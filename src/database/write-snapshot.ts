/**
 * @module database/write-snapshot
 * Makes the embedded database's snapshot (snapshot.ts), which `npm run build` calls: a new
 * database in memory, opened and migrated the way every embedded database is, checkpointed and
 * packed.
 */
import { writeFileSync } from 'node:fs';
import { openPglite } from './connect.js';
import { migrate } from './migrate.js';
import { SNAPSHOT_SCHEMA, snapshotFile } from './snapshot.js';

/** writeSnapshot writes the snapshot for the current migrations to `file`. */
export async function writeSnapshot(file: string = snapshotFile()): Promise<void> {
  const db = await openPglite('memory://', SNAPSHOT_SCHEMA);
  try {
    await migrate(db.pool, SNAPSHOT_SCHEMA);
    await db.lite.exec('CHECKPOINT');
    const tarball = await db.lite.dumpDataDir('gzip');
    writeFileSync(file, Buffer.from(await tarball.arrayBuffer()));
  } finally {
    await db.close();
  }
}
