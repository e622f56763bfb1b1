/**
 * `npm run bench [-- --json] [-- --quick]`: every comparison in one run, ours against the peer,
 * interleaved after a warm-up, medians of several rounds; ratio = ours ÷ peer (higher is better).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { resolveConfig } from '../src/config.js';
import { openDatabase } from '../src/database/connect.js';
import { freshPostgresUrl, PG_URL } from '../test/helpers/databases.js';
import { emailBenchmark } from './email.js';
import { limitBenchmarks } from './limits.js';
import type { Comparison } from './measure.js';
import { nodeLogBenchmark } from './nodelog.js';
import { renderBenchmarkIsolated } from './render.js';
import { stormBenchmark, type StormResult } from './storm.js';

const { values } = parseArgs({ options: { json: { type: 'boolean' }, quick: { type: 'boolean' }, nodes: { type: 'string' } } });
const scale = values.quick ? 0.2 : 1;
const say = (s: string): void => {
  if (!values.json) process.stdout.write(`${s}\n`);
};
const started = performance.now();
let lap = started;
/** elapsed prints how long the section just finished took, so the whole run can be kept under 5 minutes. */
const elapsed = (section: string): void => {
  say(`  (${section}: ${Math.round((performance.now() - lap) / 1000)} s)`);
  lap = performance.now();
};
const entries: Comparison[] = [];
const add = (c: Comparison): void => {
  entries.push(c);
  say(`${c.name.padEnd(62)} ours ${String(c.ours).padStart(9)}  ${c.peerName.padEnd(28)} ${String(c.peer).padStart(9)}  ratio ${c.ratio.toFixed(2)}`);
};

say(`satnotify benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
// The light, allocation-bound comparisons run first, before PGlite's WebAssembly heap exists.
add(await renderBenchmarkIsolated(Math.round(20_000 * scale)));
elapsed('render');
add(await nodeLogBenchmark(Math.round(2500 * scale)));
elapsed('node log');
add(await emailBenchmark(Math.round(1000 * scale)));
elapsed('email');
for (const c of await limitBenchmarks({ name: 'memory', pool: null }, Math.round(100_000 * scale))) add(c);
elapsed('limits in memory');
const postgresUp = await reachable();
if (postgresUp) {
  const db = await openDatabase(resolveConfig({ database: { url: await freshPostgresUrl('satnotify_bench_limits'), poolSize: 10 } }).database);
  for (const c of await limitBenchmarks({ name: 'postgres', pool: db.pool }, Math.round(2000 * scale))) add(c);
  await db.close();
  elapsed('limits on PostgreSQL');
} else say('PostgreSQL on 127.0.0.1:5432 unreachable: skipping its entries');
const lite = await openDatabase(resolveConfig({ database: { dataDir: 'memory://' } }).database);
for (const c of await limitBenchmarks({ name: 'pglite', pool: lite.pool }, Math.round(1500 * scale))) add(c);
await lite.close();
elapsed('limits on PGlite');

let storm: StormResult | undefined;
let sequentialHooks: StormResult | undefined;
if (postgresUp) {
  const nodes = Number(values.nodes ?? Math.round(25_000 * scale));
  say(`storm: ${nodes} nodes fail their uptime check at once (PostgreSQL, maxHr 2, hooks called 16 at a time) …`);
  storm = await stormBenchmark(await freshPostgresUrl('satnotify_bench_storm'), nodes, 16);
  say(JSON.stringify(storm, null, 2));
  elapsed('storm');
  say('hook latency with one caller (2,000 nodes) …');
  sequentialHooks = await stormBenchmark(await freshPostgresUrl('satnotify_bench_storm'), Math.round(2000 * scale), 1);
  say(`  p50 ${sequentialHooks.hookP50Ms} ms, p99 ${sequentialHooks.hookP99Ms} ms`);
  elapsed('one caller');
}
const seconds = Math.round((performance.now() - started) / 1000);
say(`done in ${seconds} s`);
if (values.json) {
  process.stdout.write(
    `${JSON.stringify({ machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, seconds, entries, storm, sequentialHooks })}\n`,
  );
}

async function reachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}
