/**
 * @module notification/dispatch/loop
 * The dispatcher is a chore (Storj's nodeevents Chore): run a pass, and another at once while work
 * is due, else every `dispatcher.interval`. Passes also run inline, for the first attempt of
 * informNode*; stop() waits for every pass in flight, inline ones included.
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

  /** drain runs passes until nothing is due. */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.pass(); n > 0; n = await this.pass()) total += n;
    return total;
  }

  /** start runs passes in the background: back to back while work is due, else every `interval`. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const tick = (): void => {
      void this.pass()
        .catch((err: unknown) => (this.#logger.error({ err: String(err) }, 'dispatcher pass failed'), 0))
        .then((n) => {
          if (!this.#stopped) this.#timer = setTimeout(tick, n > 0 ? 0 : this.#intervalMs);
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
}
