/**
 * @module notification/dispatch/loop
 * The dispatcher is a chore (Storj's nodeevents Chore): run passes back to back while work is
 * due, else one every `dispatcher.interval`. Passes also run inline, for the first attempt of
 * informNode*; stop() waits for every pass in flight, inline ones included.
 */
import { silentLogger, type Logger } from '../../logger.js';
import { DispatchPass, type DispatcherDeps } from './pass.js';
import type { OutboxItem } from '../outbox/outbox.js';

/** A claim made during the previous pass, held settled until that pass ends. */
type Settled = { claimed: OutboxItem[] } | { err: unknown };

/** Dispatcher runs dispatch passes, in the background and on demand. */
export class Dispatcher {
  readonly #pass: DispatchPass;
  readonly #intervalMs: number;
  readonly #logger: Logger;
  readonly #metrics: DispatcherDeps['metrics'];
  /** Passes in flight, background and inline, so stop() can wait for all of them. */
  readonly #inFlight = new Set<Promise<number>>();
  /** The pass in flight for each group passed on demand: a caller joins it rather than start another. */
  readonly #groupPasses = new Map<string, Promise<number>>();
  /**
   * The groups this process is delivering now (by how many of its passes hold them). No claim of
   * its own takes them again, whichever pass makes it (background, drain, inline) and whatever the
   * service's clock says of their leases.
   */
  readonly #busy = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(deps: DispatcherDeps) {
    this.#pass = new DispatchPass(deps);
    this.#intervalMs = deps.config.dispatcher.intervalMs;
    this.#logger = deps.logger ?? silentLogger;
    this.#metrics = deps.metrics;
  }

  /**
   * pass claims and delivers one batch of due groups, or the one group given; returns items
   * claimed. A group's pass joins the one already in flight for it in this process: many callers
   * waiting on one group (a burst of informNode* for one node) would otherwise each claim the
   * group's rows, one pass after another, to find them taken.
   */
  pass(groupKey?: string): Promise<number> {
    const joined = groupKey === undefined ? undefined : this.#groupPasses.get(groupKey);
    if (joined) return joined;
    const run = this.#track(this.#claim(groupKey).then((items) => this.#deliver(items).then(() => items.length)));
    if (groupKey !== undefined) {
      this.#groupPasses.set(groupKey, run);
      const forget = (): void => void this.#groupPasses.delete(groupKey);
      run.then(forget, forget);
    }
    return run;
  }

  /** drain runs passes until nothing is due; returns items claimed. */
  drain(): Promise<number> {
    return this.#track(this.#backToBack(() => true));
  }

  /** start runs passes in the background: back to back while work is due, else every `interval`. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const tick = (): void => {
      void this.#track(this.#backToBack(() => !this.#stopped))
        .catch((err: unknown) => {
          // Counted as well as logged: a claim that fails on every pass would otherwise leave work waiting with only a log line to say so.
          this.#metrics.dispatchFailures.inc({ stage: 'pass' });
          this.#logger.error({ err: String(err) }, 'dispatcher pass failed');
        })
        .then(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.#intervalMs);
        });
    };
    tick();
  }

  /** stop ends the loop and waits for every pass in flight, inline ones too. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * #backToBack runs passes while they find work and `go()` says so. Each pass's claim runs while
   * the last groups of the one before are still being delivered (leaving those groups out), so the
   * database's claim and the tail of a pass, when fewer groups are in flight, overlap.
   */
  async #backToBack(go: () => boolean): Promise<number> {
    let total = 0;
    let items = await this.#claim();
    while (items.length > 0) {
      total += items.length;
      let next: Promise<Settled> | undefined;
      await this.#deliver(items, () => {
        if (go()) next = this.#claim().then((claimed) => ({ claimed }), (err: unknown) => ({ err }));
      });
      // A claim that failed while the pass finished fails this run, as a failed claim always has.
      const settled = next ? await next : { claimed: [] };
      if ('err' in settled) throw settled.err;
      items = settled.claimed;
      // The pass may have left work in the groups it held (a node's second item, released for the
      // next pass): once it is over, one more claim decides whether to stop.
      if (items.length === 0 && go()) items = await this.#claim();
    }
    return total;
  }

  /** #claim claims due groups (or the one given) that this process is not delivering, and marks them busy. */
  async #claim(groupKey?: string): Promise<OutboxItem[]> {
    const items = await this.#pass.claim({ groupKey, busy: [...this.#busy.keys()] });
    for (const key of groupsOf(items)) this.#busy.set(key, (this.#busy.get(key) ?? 0) + 1);
    return items;
  }

  /** #deliver delivers claimed items, then frees their groups for this process's next claims. */
  async #deliver(items: readonly OutboxItem[], onLastStarted?: () => void): Promise<void> {
    try {
      await this.#pass.deliver(items, onLastStarted);
    } finally {
      for (const key of groupsOf(items)) {
        const n = (this.#busy.get(key) ?? 1) - 1;
        if (n > 0) this.#busy.set(key, n);
        else this.#busy.delete(key);
      }
    }
  }

  #track(run: Promise<number>): Promise<number> {
    this.#inFlight.add(run);
    const forget = (): void => void this.#inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }
}

function groupsOf(items: readonly OutboxItem[]): Set<string> {
  return new Set(items.map((i) => i.groupKey));
}
