/**
 * Recovery after a planned failover on a real pg_auto_failover formation: from `pg_autoctl perform
 * failover` to the first hook acknowledged once the outage is over, against libpq: psql, given the
 * same multi-host URL, asked every 50 ms which server it reached, until it reaches the new primary.
 * ratio = ours ÷ psql (lower is better; the goal is ≤ 1.5).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createNotificationService } from '../src/notification/create.js';
import { randomNodeIdHex } from '../test/helpers/databases.js';
import { formationSkipReason, PG_AUTOCTL_BIN, startFormation } from '../test/helpers/formation.js';

const run = promisify(execFile);

/** FailoverResult is how long each side took to write on the new primary. */
export interface FailoverResult {
  oursMs: number;
  psqlMs: number;
  ratio: number;
  /** Hooks that failed (retryable) during the switch. */
  failedHooks: number;
}

/** failoverBenchmark returns undefined, with the reason, where no formation can run. */
export async function failoverBenchmark(): Promise<FailoverResult | string> {
  const skip = formationSkipReason();
  if (skip) return skip;
  const formation = await startFormation();
  try {
    const uri = formation.uri.replace('postgres://', 'postgres://postgres@');
    const svc = await createNotificationService({
      database: { url: uri, poolSize: 4, schema: 'bench_failover' },
      hooks: { channels: { 'node-offline': ['log'] }, offlineAfter: '0s' },
      guard: { enabled: false }, // half the nodes down is a storm to the guard; this measures the hooks
      dispatcher: { autoStart: false },
    });
    try {
      const ids = Array.from({ length: 200 }, () => randomNodeIdHex());
      for (const [i, id] of ids.slice(0, 200).entries())
        await svc.overlay.upsertNode({ id, address: '127.0.0.1:1', email: `bench${i}@example.com` });
      const before = await formation.primaryPort();
      let stop = false;
      let failed = 0;
      let outageSeen = false;
      let oursAt = 0;
      const hooks = (async () => {
        for (let i = 0; !stop && !oursAt; i = (i + 1) % 200) {
          try {
            await svc.onUptimeCheck(ids[i] as string, { ok: i % 2 === 0 });
            if (outageSeen) oursAt = performance.now();
          } catch {
            failed++;
            outageSeen = true;
          }
        }
      })();
      let psqlAt = 0;
      const psql = (async () => {
        while (!stop && !psqlAt) {
          const port = await run(
            join(PG_AUTOCTL_BIN, 'psql'),
            [`${uri}&connect_timeout=2`, '-Atc', 'SELECT inet_server_port()'],
            { timeout: 5000 },
          )
            .then((r) => Number(r.stdout.trim()))
            .catch(() => 0);
          if (port && port !== before) psqlAt = performance.now();
          else await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const failoverAt = performance.now();
      await formation.failover();
      // A switch no hook noticed: the next acknowledgement is on the new primary.
      outageSeen = true;
      const deadline = Date.now() + 60_000;
      while ((!oursAt || !psqlAt) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      stop = true;
      await Promise.all([hooks, psql]);
      const oursMs = Math.round((oursAt || performance.now()) - failoverAt);
      const psqlMs = Math.round((psqlAt || performance.now()) - failoverAt);
      return { oursMs, psqlMs, ratio: Math.round((oursMs / psqlMs) * 100) / 100, failedHooks: failed };
    } finally {
      await svc.close();
    }
  } finally {
    await formation.stop();
  }
}
