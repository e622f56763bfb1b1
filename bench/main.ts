/**
 * `npm run bench [-- --json] [-- --quick] [-- --only storm,email] [-- --profile DIR]`: every
 * comparison in one run, ours against the peer, interleaved after a warm-up, medians of several
 * rounds; ratio = ours ÷ peer (higher is better).
 */
import { mkdirSync } from 'node:fs';
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
import { reportsBenchmarkIsolated } from './reports.js';
import { stormBenchmark, type StormResult } from './storm.js';
import { Profiler } from './cpu-profile.js';
import { channelBenchmarks } from './channels.js';
import { embeddedBenchmark, type EmbeddedResult } from './embedded.js';
import { failoverBenchmark, type FailoverResult } from './failover.js';
import { apiHookBenchmark } from './api.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean' },
    quick: { type: 'boolean' },
    nodes: { type: 'string' },
    profile: { type: 'string' },
    only: { type: 'string' },
  },
});
// --profile DIR: CPU profiles of the storm's phases into DIR, summarised at the end.
if (values.profile) mkdirSync(values.profile, { recursive: true });
const profiler = new Profiler(values.profile);
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
  say(
    `${c.name.padEnd(62)} ours ${String(c.ours).padStart(9)}  ${c.peerName.padEnd(28)} ${String(c.peer).padStart(9)}  ratio ${c.ratio.toFixed(2)}`,
  );
};

say(`satnotify benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
const postgresUp = await reachable();
if (!postgresUp) say('PostgreSQL on 127.0.0.1:5432 unreachable: skipping its entries');
let embedded: EmbeddedResult | undefined;
let storm: StormResult | undefined;
let sequentialHooks: StormResult | undefined;
let failover: FailoverResult | string | undefined;

/**
 * The sections, in the order they run: the light, allocation-bound comparisons first, before PGlite's WebAssembly heap
 * exists.
 */
const SECTIONS: Record<string, () => Promise<void>> = {
  embedded: async () => {
    embedded = await embeddedBenchmark();
    say(
      `embedded database (${embedded.snapshot ? 'from the shipped snapshot' : 'no snapshot: run npm run build'}): first open ${embedded.firstOpenMs} ms (target ≤ 1000), peak RSS ${embedded.peakRssMB} MB (target ≤ 400); reopen ${embedded.reopenMs} ms, peak RSS ${embedded.reopenPeakRssMB} MB; demo ${embedded.demoSeconds} s (target ≤ 5)`,
    );
  },
  render: async () => add(await renderBenchmarkIsolated(Math.round(20_000 * scale))),
  reports: async () => add(await reportsBenchmarkIsolated(values.quick ? 5 : 9)),
  'node log': async () => add(await nodeLogBenchmark(Math.round(2500 * scale))),
  email: async () => add(await emailBenchmark(Math.round(1000 * scale))),
  channels: async () => {
    for (const c of await channelBenchmarks(Math.round(2000 * scale), say)) add(c);
  },
  'limits in memory': async () => {
    for (const c of await limitBenchmarks({ name: 'memory', pool: null }, Math.round(100_000 * scale))) add(c);
  },
  'limits on PostgreSQL': async () => {
    if (!postgresUp) return;
    const db = await openDatabase(
      resolveConfig({ database: { url: await freshPostgresUrl('satnotify_bench_limits'), poolSize: 10 } }).database,
    );
    for (const c of await limitBenchmarks(
      { name: 'postgres', pool: db.pool, statements: db.statements },
      Math.round(2000 * scale),
    ))
      add(c);
    await db.close();
  },
  'limits on PGlite': async () => {
    const lite = await openDatabase(resolveConfig({ database: { dataDir: 'memory://' } }).database);
    for (const c of await limitBenchmarks(
      { name: 'pglite', pool: lite.pool, statements: lite.statements },
      Math.round(1500 * scale),
    ))
      add(c);
    await lite.close();
  },
  storm: async () => {
    if (!postgresUp) return;
    const nodes = Number(values.nodes ?? Math.round(25_000 * scale));
    say(`storm: ${nodes} nodes fail their uptime check at once (PostgreSQL, maxHr 2, hooks called 16 at a time) …`);
    storm = await stormBenchmark(
      await freshPostgresUrl('satnotify_bench_storm'),
      await freshPostgresUrl('satnotify_bench_hooks'),
      nodes,
      16,
      profiler,
    );
    say(JSON.stringify(storm, null, 2));
    say(
      `storm drain ${storm.drainSeconds} s; bare nodemailer pool + bare grpc-js, same messages, receivers and concurrency: ${storm.bareSeconds} s; ratio ${storm.drainOverBare} (target ≤ 1.5)`,
    );
    const hooks = (r: StormResult): string =>
      `p50 ${r.hookP50Ms} ms, p99 ${r.hookP99Ms} ms; bare pg, same durable work and callers: p50 ${r.bareHooks.hooks.p50Ms} ms, p99 ${r.bareHooks.hooks.p99Ms} ms (ratios ${r.hookP50OverBare} / ${r.hookP99OverBare}); one bare INSERT per call: p50 ${r.bareHooks.insertOnly.p50Ms} ms, p99 ${r.bareHooks.insertOnly.p99Ms} ms`;
    say(`hooks, 16 callers: ${hooks(storm)} (targets p50 ≤ 2, p99 ≤ 5 ms)`);
    say('hook latency with one caller (2,000 nodes) …');
    sequentialHooks = await stormBenchmark(
      await freshPostgresUrl('satnotify_bench_storm'),
      await freshPostgresUrl('satnotify_bench_hooks'),
      Math.round(2000 * scale),
      1,
      profiler,
    );
    say(`  ${hooks(sequentialHooks)}`);
  },
  api: async () => {
    if (!postgresUp) return;
    const r = await apiHookBenchmark(await freshPostgresUrl('satnotify_bench_api'), Math.round(4000 * scale));
    add(r.comparison);
    say(
      `  over the API p50 ${r.api.p50Ms} ms, p99 ${r.api.p99Ms} ms; in-process p50 ${r.inProcess.p50Ms} ms, p99 ${r.inProcess.p99Ms} ms`,
    );
  },
  failover: async () => {
    failover = await failoverBenchmark();
    if (typeof failover === 'string') say(`failover: skipped (${failover})`);
    else
      say(
        `failover (pg_auto_failover, planned): first hook acknowledged on the new primary ${failover.oursMs} ms after perform failover (${failover.failedHooks} retryable errors on the way); psql with the same URL reached it after ${failover.psqlMs} ms; ratio ${failover.ratio} (lower is better; target ≤ 1.5)`,
      );
  },
};
const only = values.only?.split(',').map((x) => x.trim());
const unknown = only?.filter((x) => !(x in SECTIONS)) ?? [];
if (unknown.length > 0)
  throw new Error(`--only: unknown section ${unknown.join(', ')} (known: ${Object.keys(SECTIONS).join(', ')})`);
for (const [name, run] of Object.entries(SECTIONS)) {
  if (only && !only.includes(name)) continue;
  await run();
  elapsed(name);
}
for (const [name, p] of Object.entries(profiler.summaries)) {
  say(`profile ${name} (${p.seconds} s, ${values.profile}/${name}.cpuprofile): self time by place`);
  for (const x of p.byPlace) say(`  ${String(x.percent).padStart(5)}%  ${x.place}`);
  say('  top functions:');
  for (const x of p.topFunctions) say(`  ${String(x.percent).padStart(5)}%  ${x.fn}`);
}
const seconds = Math.round((performance.now() - started) / 1000);
say(`done in ${seconds} s`);
if (values.json) {
  process.stdout.write(
    `${JSON.stringify({ machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, seconds, entries, embedded, storm, sequentialHooks, failover, profiles: profiler.summaries })}\n`,
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
