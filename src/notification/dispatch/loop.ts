/**
 * @module notification/dispatch/loop
 * The dispatcher is a chore (Storj's nodeevents Chore): drain what is due, then wait
 * `dispatcher.interval`. Passes also run inline, for the first attempt of informNode*; stop()
 * waits for every pass in flight, inline ones included.
 */
import { silentLogger, type Logger } from '../../logger.js';
import { DispatchPass, type DispatcherDeps } from './pass.js';

/** Dispatcher runs dispatch passes, in the background and on demand. */
export class Dispatcher {
  readonly #pass: DispatchPass;
  readonly #intervalMs: number;
  readonly #logger: Logger;
  /** Passes in flight, background and inline, so stop() can wait for all of them. */
  readonly #inFlight = new Set<Promise<number>>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  /** Set by stop(): a drain under way starts no more passes. */
  #halted = false;

  constructor(deps: DispatcherDeps) {
    this.#pass = new DispatchPass(deps);
    this.#intervalMs = deps.config.dispatcher.intervalMs;
    this.#logger = deps.logger ?? silentLogger;
  }

  /** pass claims and delivers one batch of due groups (or the one group given); returns items claimed. */
  pass(groupKey?: string): Promise<number> {
    const run = this.#pass.run(groupKey);
    this.#inFlight.add(run);
    const forget = (): void => void this.#inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  /**
   * drain runs passes until nothing is due. Two passes overlap, so one claims while the other's
   * groups are delivered (they share `dispatcher.concurrency`): a backlog's groups never wait for a
   * claim. A pass that found work starts the next; the drain ends when every pass started after
   * the last one that found work found none, so nothing a finished pass released is left behind.
   */
  async drain(): Promise<number> {
    let total = 0;
    const running = new Map<number, Promise<{ id: number; n: number }>>();
    let next = 0;
    const start = (): void => {
      const id = next++;
      running.set(id, this.pass().then((n) => ({ id, n })));
    };
    start();
    start();
    try {
      while (running.size > 0) {
        const { id, n } = await Promise.race(running.values());
        running.delete(id);
        total += n;
        if (n > 0 && !this.#halted) while (running.size < 2) start();
      }
    } finally {
      await Promise.allSettled(running.values());
    }
    return total;
  }

  /** start drains in the background, then again every `interval`. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#halted = false;
    const tick = (): void => {
      void this.drain()
        .catch((err: unknown) => this.#logger.error({ err: String(err) }, 'dispatcher pass failed'))
        .then(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.#intervalMs);
        });
    };
    tick();
  }

  /** stop ends the loop and waits for every pass in flight, inline ones too. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#halted = true;
    clearTimeout(this.#timer);
    await Promise.allSettled([...this.#inFlight]);
  }
}
