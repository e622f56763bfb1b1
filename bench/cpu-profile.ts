/**
 * CPU profiles of one phase of a benchmark (`npm run bench -- --profile DIR`): V8's sampling
 * profiler through the inspector, started and stopped around the phase, so a profile shows the
 * drain and not the seeding before it. Each profile is written as `<name>.cpuprofile` (open it in
 * Chrome DevTools or speedscope) and summarised: self time by where the code lives.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Profiler profiles phases when given a folder, and is a pass-through otherwise. */
export class Profiler {
  readonly #dir: string | undefined;
  readonly summaries: Record<string, ProfileSummary> = {};

  constructor(dir: string | undefined) {
    this.#dir = dir;
  }

  /** phase runs `fn`, profiled as `name` when profiling is on. */
  async phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (!this.#dir) return fn();
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    try {
      return await fn();
    } finally {
      const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
      session.disconnect();
      writeFileSync(join(this.#dir, `${name}.cpuprofile`), JSON.stringify(profile));
      this.summaries[name] = summarize(profile);
    }
  }
}

/** ProfileSummary is a profile's wall time and where its samples' self time went, in percent. */
export interface ProfileSummary {
  seconds: number;
  byPlace: Array<{ place: string; percent: number }>;
  topFunctions: Array<{ fn: string; percent: number }>;
}

/** summarize adds up self time per place (our folders, each package, Node, GC, idle) and per function. */
export function summarize(profile: Profile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const place = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    total += dt;
    const where = placeOf(frame.url, frame.functionName);
    place.set(where, (place.get(where) ?? 0) + dt);
    const fn = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + dt);
  });
  const pct = (x: number): number => Math.round((1000 * x) / Math.max(total, 1)) / 10;
  const sorted = (m: Map<string, number>): Array<[string, number]> => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    seconds: Math.round((profile.endTime - profile.startTime) / 10_000) / 100,
    byPlace: sorted(place).map(([p, t]) => ({ place: p, percent: pct(t) })),
    topFunctions: sorted(fns).map(([f, t]) => ({ fn: f, percent: pct(t) })),
  };
}

function placeOf(url: string, fn: string): string {
  if (fn === '(idle)' || fn === '(program)' || fn === '(garbage collector)') return fn;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const ours = /\/(src|bench)\/(.+?)\/[^/]+\.ts$/.exec(url) ?? /\/(src|bench)\/()[^/]+\.ts$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`.replace(/\/$/, '');
  if (url.startsWith('node:') || url === '') return fn.startsWith('(') ? fn : 'node (built-ins and native)';
  return 'other';
}

function shortUrl(url: string): string {
  return url
    .replace(/^.*node_modules\//, '')
    .replace(/^.*\/(src|bench)\//, '$1/')
    .replace(/^file:\/\//, '');
}
