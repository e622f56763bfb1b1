/**
 * Where a phase's CPU went on this machine: this process, the receivers' process, and PostgreSQL's
 * processes (read from /proc, so Linux only; null elsewhere). On a 2-core machine the three share
 * the cores, so a phase's wall time is bounded by their sum ÷ cores as much as by any one of them.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** CpuSplit is CPU seconds per party during one phase. */
export interface CpuSplit {
  ours: number;
  receivers: number;
  postgres: number | null;
}

/** cpuMeter starts measuring; call the function it returns to get the split since. */
export function cpuMeter(receivers: () => Promise<number>): Promise<() => Promise<CpuSplit>> {
  const start = async (): Promise<{ ours: number; receivers: number; postgres: number | null }> => {
    const u = process.cpuUsage();
    return { ours: (u.user + u.system) / 1e6, receivers: await receivers(), postgres: postgresCpuSeconds() };
  };
  return start().then((a) => async () => {
    const b = await start();
    const r = (x: number): number => Math.round(x * 100) / 100;
    return { ours: r(b.ours - a.ours), receivers: r(b.receivers - a.receivers), postgres: a.postgres === null || b.postgres === null ? null : r(b.postgres - a.postgres) };
  });
}

/** postgresCpuSeconds adds up user + system time of every `postgres` process (backends come and go; the pool keeps ours). */
function postgresCpuSeconds(): number | null {
  try {
    const tick = 100; // USER_HZ on Linux
    let total = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const name = /\(([^)]*)\)/.exec(stat)?.[1] ?? '';
        if (!name.startsWith('postgres')) continue;
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        total += (Number(fields[11]) + Number(fields[12])) / tick;
      } catch {
        // the process ended while we read
      }
    }
    return total;
  } catch {
    return null;
  }
}
