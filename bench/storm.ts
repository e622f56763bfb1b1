/**
 * The storm: every node of a satellite fails its uptime check at once. Measures hook latency while
 * the storm is recorded, the time to drain the outbox, what was sent and held, duplicates at the
 * receivers, and peak RSS. A smaller storm on other nodes and operators runs first, recorded and
 * drained, so the figures are the steady state's, not the JIT's or the first connections'.
 */
import { createNotificationService } from '../src/notification/create.js';
import { NodeLogServer } from '../src/node/node-log-server.js';
import { tallyChannel } from '../src/notification/outbox/tally.js';
import { percentile } from './measure.js';
import { startDiscardingSmtp } from './sinks.js';

/** StormResult is what `npm run bench` reports for the storm. */
export interface StormResult {
  database: string;
  nodes: number;
  hookConcurrency: number;
  recordSeconds: number;
  hookP50Ms: number;
  hookP99Ms: number;
  drainSeconds: number;
  emails: { sent: number; held: number; messages: number };
  logs: { sent: number; held: number; messages: number };
  duplicates: number;
  peakRssMB: number;
}

/** stormBenchmark runs the storm on `url` (a database it may fill) with `nodes` nodes, after a warm-up storm of `warmup` others. */
export async function stormBenchmark(url: string, nodes: number, hookConcurrency: number, warmup = 500): Promise<StormResult> {
  const smtp = await startDiscardingSmtp();
  const nodeLog = new NodeLogServer({ sink: () => undefined, dedupeSize: nodes * 2 });
  const address = `127.0.0.1:${await nodeLog.listen()}`;
  let now = new Date('2024-11-05T14:00:00Z');
  const svc = await createNotificationService({
    clock: () => now,
    database: { url, poolSize: 10 },
    smtp: { url: smtp.url, maxConnections: 5, maxMessages: 1_000_000 },
    limits: { email: { maxHr: 2, maxDay: 5, minDelay: '15m' }, log: { maxHr: 2, maxDay: 10, minDelay: '1m' } },
    overlay: { cacheSize: nodes },
    dispatcher: { autoStart: false, batchSize: 500, concurrency: 32 },
    // The storm measures one notice per node: report offline at the first failed check.
    hooks: { offlineAfter: '0s' },
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  try {
    const storm = async (ids: readonly string[]): Promise<{ latencies: number[]; recordSeconds: number; drainSeconds: number }> => {
      const latencies: number[] = [];
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: hookConcurrency }, async () => {
          while (next < ids.length) {
            const id = ids[next++] as string;
            const s = performance.now();
            await svc.onUptimeCheck(id, { ok: false });
            latencies.push(performance.now() - s);
          }
        }),
      );
      const recordSeconds = (performance.now() - t0) / 1000;
      now = new Date(now.getTime() + 6 * 60_000); // past the grouping wait
      const t1 = performance.now();
      while ((await svc.dispatch()) > 0);
      return { latencies, recordSeconds, drainSeconds: (performance.now() - t1) / 1000 };
    };
    await storm(await seed(svc, warmup, address, now, 'warmup'));
    const before = await svc.outboxCounts();
    const sentBefore = { smtp: smtp.received, log: nodeLog.counts.accepted };
    const { latencies, recordSeconds, drainSeconds } = await storm(await seed(svc, nodes, address, now, 'operator'));
    const counts = await svc.outboxCounts();
    const tally = (channel: 'email' | 'log'): StormResult['emails'] => {
      const [a, b] = [tallyChannel(counts, channel), tallyChannel(before, channel)];
      return { sent: a.sent - b.sent, held: a.held - b.held, messages: a.messages - b.messages };
    };
    const emails = tally('email');
    const logs = tally('log');
    // What the receivers got must be what the outbox says was sent: nothing lost on the way.
    if (smtp.received - sentBefore.smtp !== emails.messages || nodeLog.counts.accepted - sentBefore.log !== logs.messages) {
      throw new Error(`storm: receivers got ${smtp.received - sentBefore.smtp} emails and ${nodeLog.counts.accepted - sentBefore.log} log messages; the outbox says ${emails.messages} and ${logs.messages}`);
    }
    return {
      database: url.replace(/\/\/[^@]*@/, '//'),
      nodes,
      hookConcurrency,
      recordSeconds: round(recordSeconds),
      hookP50Ms: round(percentile(latencies, 50)),
      hookP99Ms: round(percentile(latencies, 99)),
      drainSeconds: round(drainSeconds),
      emails,
      logs,
      duplicates: smtp.duplicates + nodeLog.counts.duplicate,
      peakRssMB: Math.round(peakRss / 1e6),
    };
  } finally {
    clearInterval(sampler);
    await svc.close();
    await nodeLog.close();
    await smtp.close();
  }
}

async function seed(svc: Awaited<ReturnType<typeof createNotificationService>>, nodes: number, address: string, now: Date, operator: string): Promise<string[]> {
  const ids: string[] = [];
  const batch: Promise<unknown>[] = [];
  for (let i = 0; i < nodes; i++) {
    const id = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');
    ids.push(id);
    // Operators run three nodes each, as many do.
    batch.push(svc.overlay.upsertNode({ id, address, email: `${operator}${Math.floor(i / 3)}@example.com`, version: '1.70.1', lastContactSuccess: now }));
    if (batch.length >= 64) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  return ids;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
