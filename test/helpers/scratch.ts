/**
 * Scratch space for tests: temp folders and PostgreSQL databases that are removed when the test
 * process exits, whether its tests passed or failed, so `npm test` leaves the machine as it found it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs = new Set<string>();
const databases = new Map<string, string>(); // name → admin URL

/** scratchDir makes a fresh folder under the system temp directory, removed at exit. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `satnotify-${prefix}-`));
  dirs.add(dir);
  return dir;
}

/** dropAtExit drops the database `name` (on the server at `adminUrl`) when this process exits. */
export function dropAtExit(name: string, adminUrl: string): void {
  databases.set(name, adminUrl);
}

// An interrupted run (Ctrl-C, a runner's timeout) cleans up too: the signal becomes an exit.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));

// 'exit' handlers must be synchronous, so the databases are dropped by a short child process.
process.on('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (databases.size === 0) return;
  const script = `
    const { default: pg } = await import(process.env.PG_MODULE);
    for (const [name, url] of JSON.parse(process.env.DROP)) {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
      try { await c.connect(); await c.query('DROP DATABASE IF EXISTS "' + name + '" WITH (FORCE)'); } catch {} finally { await c.end().catch(() => {}); }
    }`;
  spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, PG_MODULE: import.meta.resolve('pg'), DROP: JSON.stringify([...databases]) },
    stdio: 'ignore',
    timeout: 30_000,
  });
});
