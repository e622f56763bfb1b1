/**
 * The storm: every node of a satellite fails its uptime check at once. Measures hook latency while
 * the storm is recorded, the time to drain the outbox, what was sent and held, duplicates at the
 * receivers, and peak RSS. A smaller storm on other nodes and operators runs first, recorded and
 * drained, so the figures are the steady state's, not the JIT's or the first connections'.
 *
 * The floor: the same number of emails and node-log messages sent by a bare nodemailer pool (as
 * many connections as ours) and a bare grpc-js client, as many in flight as the dispatcher's
 * concurrency, into the same receivers. The receivers run in a process of their own (sinks.ts),
 * so neither side's figure includes parsing what it sent.
 *
 * The hooks' floor (bare-hooks.ts): bare `pg` doing the same durable work per call, as many
 * callers at a time, in a database of its own on the same server.
 */
import * as grpc from '@grpc/grpc-js';
import nodemailer from 'nodemailer';
import { createNotificationService } from '../src/notification/create.js';
import { tallyChannel } from '../src/notification/outbox/tally.js';
import { contentFor } from '../src/notification/content/content.js';
import { sampleDigest } from '../src/notification/digest/sample-day.js';
import { TemplateSet } from '../src/mailservice/templates.js';
import { resolveConfig } from '../src/config.js';
import type { Profiler } from './cpu-profile.js';
import { cpuMeter, type CpuSplit } from './cpu-time.js';
import { latenciesOf, opsPerSecond, percentile, round2 as round } from './measure.js';
import { bareHookFloors, type HookFloors } from './bare-hooks.js';
import { bareUnary, offlineMessage } from './nodelog.js';
import { startSinkProcess } from './sinks.js';

/** StormResult is what `npm run bench` reports for the storm. */
export interface StormResult {
  database: string;
  nodes: number;
  hookConcurrency: number;
  recordSeconds: number;
  hookP50Ms: number;
  hookP99Ms: number;
  /**
   * The same durable work per call through bare `pg`, the same callers at a time (the hooks' floor), and one bare
   * INSERT per call.
   */
  bareHooks: HookFloors;
  /** hookP50Ms and hookP99Ms ÷ the bare hooks' (lower is better). */
  hookP50OverBare: number;
  hookP99OverBare: number;
  drainSeconds: number;
  /** The bare libraries' time for the same messages into the same receivers. */
  bareSeconds: number;
  /** drainSeconds ÷ bareSeconds: how far the drain is from the floor (lower is better). */
  drainOverBare: number;
  /** CPU seconds spent during the drain and the bare run, by this process, the receivers and PostgreSQL. */
  cpu: { record: CpuSplit; drain: CpuSplit; bare: CpuSplit };
  emails: { sent: number; held: number; messages: number };
  logs: { sent: number; held: number; messages: number };
  duplicates: number;
  peakRssMB: number;
}

/**
 * stormBenchmark runs the storm on `url` (a database it may fill) with `nodes` nodes, after a
 * warm-up storm of `warmup` others; the hooks' floor runs in `floorUrl`.
 */
export async function stormBenchmark(
  url: string,
  floorUrl: string,
  nodes: number,
  hookConcurrency: number,
  profiler: Profiler,
  warmup = 500,
): Promise<StormResult> {
  const sinks = await startSinkProcess();
  const address = sinks.nodeLogAddress;
  const concurrency = 32;
  const smtpPool = { maxConnections: 5, maxMessages: 1_000_000 };
  const poolSize = 10;
  let now = new Date('2024-11-05T14:00:00Z');
  const svc = await createNotificationService({
    clock: () => now,
    database: { url, poolSize },
    smtp: { url: sinks.smtpUrl, ...smtpPool },
    limits: { email: { maxHr: 2, maxDay: 5, minDelay: '15m' }, log: { maxHr: 2, maxDay: 10, minDelay: '1m' } },
    overlay: { cacheSize: nodes },
    dispatcher: { autoStart: false, batchSize: 500, concurrency },
    // The storm measures one notice per node: report offline at the first failed check.
    hooks: { offlineAfter: '0s' },
    // A real storm: every notice is measured (the guard would hold them as a satellite-side fault).
    guard: { enabled: false },
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  try {
    const meter = (): Promise<() => Promise<CpuSplit>> => cpuMeter(async () => (await sinks.counts()).cpuSeconds);
    let recordCpu: CpuSplit | undefined;
    let drainCpu: CpuSplit | undefined;
    const storm = async (
      ids: readonly string[],
      profile = '',
    ): Promise<{ latencies: number[]; recordSeconds: number; drainSeconds: number }> => {
      const phase = <T>(name: string, fn: () => Promise<T>): Promise<T> =>
        profile ? profiler.phase(`${profile}-${name}`, fn) : fn();
      const recording = await meter();
      const t0 = performance.now();
      const latencies = await phase('record', () =>
        latenciesOf(ids, hookConcurrency, (id) => svc.onUptimeCheck(id, { ok: false })),
      );
      const recordSeconds = (performance.now() - t0) / 1000;
      recordCpu = await recording();
      now = new Date(now.getTime() + 6 * 60_000); // past the grouping wait
      const cpu = await meter();
      const t1 = performance.now();
      await phase('drain', async () => {
        while ((await svc.dispatch()) > 0);
      });
      const drainSeconds = (performance.now() - t1) / 1000;
      drainCpu = await cpu();
      return { latencies, recordSeconds, drainSeconds };
    };
    await storm(await seed(svc, warmup, address, now, 'warmup'));
    const before = await svc.outboxCounts();
    const sentBefore = await sinks.counts();
    const { latencies, recordSeconds, drainSeconds } = await storm(
      await seed(svc, nodes, address, now, 'operator'),
      `storm-${hookConcurrency}`,
    );
    const received = await sinks.counts();
    const counts = await svc.outboxCounts();
    const tally = (channel: 'email' | 'log'): StormResult['emails'] => {
      const [a, b] = [tallyChannel(counts, channel), tallyChannel(before, channel)];
      return { sent: a.sent - b.sent, held: a.held - b.held, messages: a.messages - b.messages };
    };
    const emails = tally('email');
    const logs = tally('log');
    // What the receivers got must be what the outbox says was sent: nothing lost on the way.
    if (received.emails - sentBefore.emails !== emails.messages || received.logs - sentBefore.logs !== logs.messages) {
      throw new Error(
        `storm: receivers got ${received.emails - sentBefore.emails} emails and ${received.logs - sentBefore.logs} log messages; the outbox says ${emails.messages} and ${logs.messages}`,
      );
    }
    const bareCpu = await meter();
    // Profiled too, so the drain's profile can be read against the floor's, place by place.
    const bareSeconds = await profiler.phase(`storm-${hookConcurrency}-bare`, () =>
      bareDrain(sinks.smtpUrl, address, emails.messages, logs.messages, concurrency, smtpPool.maxConnections),
    );
    const cpu = { record: recordCpu as CpuSplit, drain: drainCpu as CpuSplit, bare: await bareCpu() };
    const bareHooks = await bareHookFloors(floorUrl, nodes, hookConcurrency, poolSize, now);
    const [hookP50Ms, hookP99Ms] = [percentile(latencies, 50), percentile(latencies, 99)];
    return {
      database: url.replace(/\/\/[^@]*@/, '//'),
      nodes,
      hookConcurrency,
      recordSeconds: round(recordSeconds),
      hookP50Ms: round(hookP50Ms),
      hookP99Ms: round(hookP99Ms),
      bareHooks,
      hookP50OverBare: round(hookP50Ms / bareHooks.hooks.p50Ms),
      hookP99OverBare: round(hookP99Ms / bareHooks.hooks.p99Ms),
      drainSeconds: round(drainSeconds),
      bareSeconds: round(bareSeconds),
      drainOverBare: round(drainSeconds / bareSeconds),
      cpu,
      emails,
      logs,
      duplicates: received.duplicates,
      peakRssMB: Math.round(peakRss / 1e6),
    };
  } finally {
    clearInterval(sampler);
    await svc.close();
    await sinks.close();
  }
}

/**
 * bareDrain sends `emails` copies of a rendered digest through a bare nodemailer pool and `logs`
 * messages through a bare grpc-js client, interleaved as the dispatcher interleaves them, with
 * `concurrency` in flight; returns the seconds it took.
 */
async function bareDrain(
  smtpUrl: string,
  nodeLog: string,
  emails: number,
  logs: number,
  concurrency: number,
  maxConnections: number,
): Promise<number> {
  const templates = TemplateSet.load();
  const digest = sampleDigest(contentFor(templates, resolveConfig()), templates, { locale: 'en', zone: 'UTC' });
  const mail = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port: Number(new URL(smtpUrl).port),
    secure: false,
    maxConnections,
    maxMessages: 1_000_000,
  });
  const grpcClient = new grpc.Client(nodeLog, grpc.credentials.createInsecure());
  const total = emails + logs;
  // The emails spread evenly among the log messages, as the dispatcher's batches mix them.
  const isEmail = (i: number): boolean => Math.floor(((i + 1) * emails) / total) > Math.floor((i * emails) / total);
  const send = (i: number): Promise<unknown> =>
    isEmail(i)
      ? mail.sendMail({
          from: 'Satellite <noreply@satellite.invalid>',
          to: `op${i}@example.com`,
          subject: digest.subject,
          html: digest.html,
          text: digest.text,
          messageId: `<bare-${i}@bench>`,
        })
      : bareUnary(grpcClient, offlineMessage(`bare-${i}`), 30_000);
  try {
    const rate = await opsPerSecond(send, total, concurrency);
    return total / rate;
  } finally {
    mail.close();
    grpcClient.close();
  }
}

async function seed(
  svc: Awaited<ReturnType<typeof createNotificationService>>,
  nodes: number,
  address: string,
  now: Date,
  operator: string,
): Promise<string[]> {
  const ids: string[] = [];
  const batch: Promise<unknown>[] = [];
  for (let i = 0; i < nodes; i++) {
    const id = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');
    ids.push(id);
    // Operators run three nodes each, as many do.
    batch.push(
      svc.overlay.upsertNode({
        id,
        address,
        email: `${operator}${Math.floor(i / 3)}@example.com`,
        version: '1.70.1',
        lastContactSuccess: now,
      }),
    );
    if (batch.length >= 64) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  return ids;
}
