/**
 * The embedded default, as a new user meets it: a fresh process opens a new data folder (from the
 * shipped snapshot when there is one, else PostgreSQL's initdb in WebAssembly); another fresh
 * process opens it again (both run embedded-open.mjs on the built package); and the demo's wall
 * time (`npm run demo`, through tsx). Each open runs in a process of its own, so its
 * peak RSS is its own (a second PGlite in one process adds the first one's WebAssembly heap,
 * which the garbage collector has not yet taken back).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { snapshotFile } from '../src/database/snapshot.js';

/** EmbeddedResult is the embedded database's open times, each opening process's peak RSS, and the demo's time. */
export interface EmbeddedResult {
  snapshot: boolean;
  firstOpenMs: number;
  /** Peak RSS of the process that opened the new folder. */
  peakRssMB: number;
  reopenMs: number;
  reopenPeakRssMB: number;
  demoSeconds: number;
}

interface Opened {
  ms: number;
  peakRssMB: number;
}

const OPEN = fileURLToPath(new URL('embedded-open.mjs', import.meta.url));
const run = promisify(execFile);

/** embeddedBenchmark measures the built package (`npm run build`, which `npm ci` runs, makes it and its snapshot). */
export async function embeddedBenchmark(): Promise<EmbeddedResult> {
  if (!existsSync(new URL('../dist/database/connect.js', import.meta.url)))
    throw new Error('the embedded benchmark opens the built package: run npm run build');
  const root = mkdtempSync(join(tmpdir(), 'satnotify-bench-embedded-'));
  try {
    const open = async (): Promise<Opened> =>
      JSON.parse((await run(process.execPath, [OPEN, join(root, 'db')])).stdout) as Opened;
    const first = await open();
    const again = await open();
    const t0 = performance.now();
    await run(process.execPath, [
      '--import',
      'tsx',
      fileURLToPath(new URL('../src/cli/bin.ts', import.meta.url)),
      'demo',
    ]);
    return {
      snapshot: existsSync(snapshotFile()),
      firstOpenMs: first.ms,
      peakRssMB: first.peakRssMB,
      reopenMs: again.ms,
      reopenPeakRssMB: again.peakRssMB,
      demoSeconds: Math.round((performance.now() - t0) / 10) / 100,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
