/**
 * @module database/snapshot
 * A new embedded database starts from a snapshot: PGlite's data folder, initialised and migrated,
 * made when the package is built and shipped in it. PostgreSQL's initdb in WebAssembly takes
 * seconds and nearly a gigabyte of memory; unpacking the folder it would write takes a fraction
 * of a second and little memory. Without a snapshot that fits (another schema, another set of
 * migrations, a checkout not built yet), the folder is made the slow way, with the same result.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseTar } from 'nanotar';
import { MIGRATIONS } from './migrations.js';

/** The schema the snapshot is made in: the default of `database.schema`. */
export const SNAPSHOT_SCHEMA = 'satnotify';

/**
 * snapshotFile is where the snapshot for the current migrations lives: `dist/database/` at the
 * package's root, seen alike from `src/database` (tsx) and `dist/database` (the build). Its name
 * carries the last migration, so a snapshot from another version is never taken for this one.
 */
export function snapshotFile(): string {
  const latest = MIGRATIONS.at(-1)?.version ?? 0;
  return fileURLToPath(new URL(`../../dist/database/pglite-${SNAPSHOT_SCHEMA}-v${latest}.tar.gz`, import.meta.url));
}

/**
 * seedFromSnapshot unpacks the snapshot into `dataDir` when it is a new, empty folder for the
 * snapshot's schema and the snapshot exists; returns whether it did. A half-unpacked folder is
 * removed again, so the slow way starts clean.
 */
export function seedFromSnapshot(dataDir: string, schema: string): boolean {
  const file = snapshotFile();
  if (schema !== SNAPSHOT_SCHEMA || !existsSync(file) || readdirSync(dataDir).length > 0) return false;
  try {
    // Unpacked in memory (gunzip and nanotar's parse take ~0.1 s), then written file by file.
    for (const entry of parseTar(gunzipSync(readFileSync(file)))) {
      // The archive's paths are absolute inside PGlite's own file system: they land under dataDir, never outside it.
      const path = resolve(dataDir, `.${entry.name.startsWith('/') ? '' : '/'}${entry.name}`);
      if (relative(dataDir, path).startsWith('..'))
        throw new Error(`snapshot entry ${entry.name} points outside the folder`);
      if (entry.type === 'directory') mkdirSync(path, { recursive: true });
      else if (entry.type === 'file') writeFileSync(path, entry.data ?? new Uint8Array());
    }
    // A snapshot is a closed database: no server owns it.
    rmSync(join(dataDir, 'postmaster.pid'), { force: true });
    return true;
  } catch {
    for (const entry of readdirSync(dataDir)) rmSync(join(dataDir, entry), { recursive: true, force: true });
    return false;
  }
}
