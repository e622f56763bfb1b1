/**
 * Measurement helpers: run an operation N times at a given concurrency, interleave ours and the
 * peer over several rounds after a warm-up, and report medians and the ratio.
 */

/** Comparison is one benchmark line: throughput of ours and of the peer, ratio = ours ÷ peer. */
export interface Comparison {
  name: string;
  unit: string;
  ours: number;
  peer: number;
  ratio: number;
  peerName: string;
}

/** opsPerSecond runs `op(i)` for i < n with `concurrency` in flight and returns operations per second. */
export async function opsPerSecond(
  op: (i: number) => unknown,
  n: number,
  concurrency: number,
  offset = 0,
): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      await op(offset + i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return n / ((performance.now() - t0) / 1000);
}

/**
 * latenciesOf calls `call(item)` for every item, `concurrency` callers at a time each awaiting its own, and returns
 * each call's milliseconds.
 */
export async function latenciesOf<T>(
  items: readonly T[],
  concurrency: number,
  call: (item: T) => Promise<unknown>,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const caller = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      const s = performance.now();
      await call(item);
      latencies.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return latencies;
}

/** round2 rounds to two decimals, as figures are reported. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * compare interleaves ours and the peer for `rounds` rounds (alternating who goes first) after
 * `warmup` rounds each that are not counted (JIT tiers settle late when many modules are loaded).
 */
export async function compare(
  name: string,
  peerName: string,
  ours: (round: number) => Promise<number>,
  peer: (round: number) => Promise<number>,
  rounds = 5,
  unit = 'ops/s',
  warmup = 1,
): Promise<Comparison> {
  for (let w = 0; w < warmup; w++) {
    await ours(-1);
    await peer(-1);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      a.push(await ours(r));
      b.push(await peer(r));
    } else {
      b.push(await peer(r));
      a.push(await ours(r));
    }
  }
  const o = median(a);
  const p = median(b);
  return { name, unit, ours: Math.round(o), peer: Math.round(p), ratio: Number((o / p).toFixed(2)), peerName };
}

/** median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** percentile of a list (0..100). */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))] as number;
}
