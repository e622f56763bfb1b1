/**
 * @module notification/dispatch/loop
 * The dispatcher is a chore (Storj's nodeevents Chore): run passes back to back while work is
 * due, else one every `dispatcher.interval`. Passes also run inline, for the first attempt of
 * informNode*; stop() waits for every pass in flight, inline ones included.
 */
import pLimit from 'p-limit';
import { silentLogger, type Logger } from '../../logger.js';
import type { DispatcherDeps } from './deps.js';
import { DispatchPass } from './pass.js';
import type { OutboxItem } from '../outbox/outbox.js';

/** The most passes a drain or the background loop delivers at once: one finishing, the next. */
const MAX_PASSES = 2;

/** Dispatcher runs dispatch passes, in the background and on demand. */
export class Dispatcher {
  readonly #pass: DispatchPass;
  readonly #intervalMs: number;
  readonly #logger: Logger;
  readonly #metrics: DispatcherDeps['metrics'];
  readonly #fleet: DispatcherDeps['fleet'];
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
  /** One claim at a time, so each sees every group the ones before took (see #claim). */
  readonly #claiming = pLimit(1);
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  /** Since when background passes have failed, how many, and the last failure logged: cleared by a success. */
  #outage: { since: number; passes: number; message: string } | undefined;

  constructor(deps: DispatcherDeps) {
    this.#pass = new DispatchPass(deps);
    this.#intervalMs = deps.config.dispatcher.intervalMs;
    this.#logger = deps.logger ?? silentLogger;
    this.#metrics = deps.metrics;
    this.#fleet = deps.fleet;
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
        .then(
          () => this.#recovered(),
          (err: unknown) => {
            // Counted on every pass, logged once per outage: a database failing over for a minute fails a pass on
            // every tick, and one line says so as well as six hundred.
            this.#metrics.dispatchFailures.inc({ stage: 'pass' });
            const message = String(err);
            if (this.#outage) this.#outage.passes++;
            // Logged again when the failure changes: a new cause in the same outage is news.
            if (this.#outage?.message === message) return;
            this.#outage = { since: this.#outage?.since ?? Date.now(), passes: this.#outage?.passes ?? 1, message };
            this.#logger.error(
              { err: message },
              'dispatcher pass failed; passes go on, logged again when one succeeds or the failure changes',
            );
          },
        )
        .then(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.#intervalMs);
        });
    };
    tick();
  }

  #recovered(): void {
    if (!this.#outage) return;
    const { since, passes } = this.#outage;
    this.#outage = undefined;
    this.#logger.info({ failedPasses: passes, failedForMs: Date.now() - since }, 'dispatcher passes succeed again');
  }

  /** stop ends the loop and waits for every pass in flight, inline ones too. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * #backToBack runs passes while they find work and `go()` says so, overlapped: the next pass's
   * claim runs while a pass delivers, and the next pass starts as soon as every group of the one
   * before is under way. The passes share the process's send slots, so neither a claim nor the
   * tail of a pass (its last groups waiting on their sends and records) leaves them idle, as a
   * storm's small passes would, waiting for the next claim. At most two passes deliver at once (the tail of one, the next), so claims never run far ahead
   * of sends: what is claimed is soon sent, well within its lease.
   */
  async #backToBack(go: () => boolean): Promise<number> {
    let total = 0;
    const passes = new Set<Promise<void>>();
    // Resolves once every group of the pass is under way (or the pass is over).
    const startPass = (items: readonly OutboxItem[]): Promise<void> =>
      new Promise((allStarted) => {
        const pass = this.#deliver(items, allStarted).finally(() => {
          passes.delete(pass);
          allStarted();
        });
        passes.add(pass);
      });
    try {
      let items = await this.#claim();
      while (items.length > 0) {
        total += items.length;
        const started = startPass(items);
        // This pass's groups are busy, so the claim takes others.
        const next = go() ? await this.#claim() : [];
        await started;
        while (passes.size >= MAX_PASSES) await Promise.race(passes);
        items = next;
        // The passes may have left work in the groups they held (a node's second item, released
        // for the next pass): once they are over, one more claim decides whether to stop.
        if (items.length === 0 && go()) {
          await Promise.allSettled(passes);
          items = await this.#claim();
        }
      }
      // What this run handed over, and the other satellites' mail now due, leaves as the fleet's.
      if (this.#fleet) total += await this.#fleet.drain();
    } finally {
      // A failed claim fails the run, but only once the passes under way have finished.
      await Promise.allSettled(passes);
    }
    return total;
  }

  /**
   * #claim claims due groups (or the one given) that this process is not delivering, and marks
   * them busy. The process's claims run one at a time: a claim sent before the last one's groups
   * were marked busy could take them again once its lease looks over (a service clock ahead of
   * the wall clock), and the drain's overlapping passes, a second drain and first attempts all claim.
   */
  #claim(groupKey?: string): Promise<OutboxItem[]> {
    return this.#claiming(async () => {
      const items = await this.#pass.claim({ groupKey, busy: [...this.#busy.keys()] });
      for (const key of groupsOf(items)) this.#busy.set(key, (this.#busy.get(key) ?? 0) + 1);
      return items;
    });
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
