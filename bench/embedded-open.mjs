/**
 * One open of the embedded database, as a satellite's process makes it: plain Node importing the
 * built package. bench/embedded.ts runs it in a process of its own, so the peak RSS it prints is
 * the open's (tsx, the bench's own loader, would add ~80 MB). argv: the data folder.
 */
import process from 'node:process';
import { performance } from 'node:perf_hooks';

const { resolveConfig } = await import('../dist/config.js');
const { openDatabase } = await import('../dist/database/connect.js');

const config = resolveConfig({ database: { dataDir: process.argv[2] } }).database;
const t0 = performance.now();
await (await openDatabase(config)).close();
process.stdout.write(
  JSON.stringify({
    ms: Math.round(performance.now() - t0),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1000),
  }),
);
