/**
 * Where a phase's CPU went on this machine: this process, the receivers' process, and PostgreSQL's
 * processes (read from /proc, so Linux only; null elsewhere). On a 2-core machine the three share
 * the cores, so a phase's wall time is bounded by their sum ÷ cores as much as by any one of them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { round2 } from './measure.js';

/** CpuSplit is CPU seconds per party during one phase. */
export interface CpuSplit {
  ours: number;
  receivers: number;
  postgres: number | null;
}

/** cpuMeter starts measuring; call the function it returns to get the split since. */
export function cpuMeter(receivers: () => Promise<number>): Promise<() => Promise<CpuSplit>> {
  const start = async (): Promise<{ ours: number; receivers: number; postgres: Map<string, number> | null }> => {
    const u = process.cpuUsage();
    return { ours: (u.user + u.system) / 1e6, receivers: await receivers(), postgres: postgresCpuSeconds() };
  };
  return start().then((a) => async () => {
    const b = await start();
    return {
      ours: round2(b.ours - a.ours),
      receivers: round2(b.receivers - a.receivers),
      postgres: a.postgres && b.postgres ? round2(postgresDelta(a.postgres, b.postgres)) : null,
    };
  });
}

/**
 * postgresDelta is the CPU the `postgres` processes used between two readings: each process alive
 * at the end, less what it had used at the start (a backend that exited in between is not
 * counted, so the figure is a floor; the pools stay open through a phase).
 */
function postgresDelta(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const [pid, seconds] of b) total += seconds - (a.get(pid) ?? 0);
  return total;
}

/** postgresCpuSeconds reads user + system time of every `postgres` process, by pid. */
function postgresCpuSeconds(): Map<string, number> | null {
  try {
    const tick = 100; // USER_HZ on Linux
    const out = new Map<string, number>();
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const name = /\(([^)]*)\)/.exec(stat)?.[1] ?? '';
        if (!name.startsWith('postgres')) continue;
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out.set(pid, (Number(fields[11]) + Number(fields[12])) / tick);
      } catch {
        // the process ended while we read
      }
    }
    return out;
  } catch {
    return null;
  }
}
