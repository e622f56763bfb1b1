/**
 * The embedded default, as a new user meets it: a fresh process opens a new data folder (from the
 * shipped snapshot when there is one, else PostgreSQL's initdb in WebAssembly), closes it and opens
 * it again; and the demo's wall time. Each runs in a process of its own, so its peak RSS is its own.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { resolveConfig } from '../src/config.js';
import { openDatabase } from '../src/database/connect.js';
import { snapshotFile } from '../src/database/snapshot.js';

/** EmbeddedResult is the embedded database's open times, its process's peak RSS, and the demo's time. */
export interface EmbeddedResult {
  snapshot: boolean;
  firstOpenMs: number;
  reopenMs: number;
  peakRssMB: number;
  demoSeconds: number;
}

const SELF = fileURLToPath(import.meta.url);
const run = promisify(execFile);

export async function embeddedBenchmark(): Promise<EmbeddedResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', SELF, '--child']);
  const open = JSON.parse(stdout) as Omit<EmbeddedResult, 'demoSeconds' | 'snapshot'>;
  const t0 = performance.now();
  await run(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../src/cli/bin.ts', import.meta.url)), 'demo']);
  return { snapshot: existsSync(snapshotFile()), ...open, demoSeconds: Math.round((performance.now() - t0) / 10) / 100 };
}

async function child(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'satnotify-bench-embedded-'));
  try {
    const config = resolveConfig({ database: { dataDir: join(root, 'db') } }).database;
    const t0 = performance.now();
    await (await openDatabase(config)).close();
    const t1 = performance.now();
    await (await openDatabase(config)).close();
    const t2 = performance.now();
    process.stdout.write(JSON.stringify({ firstOpenMs: Math.round(t1 - t0), reopenMs: Math.round(t2 - t1), peakRssMB: Math.round(process.resourceUsage().maxRSS / 1000) }));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === SELF && process.argv.includes('--child')) await child();
