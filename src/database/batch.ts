/**
 * @module database/batch
 * KeyedBatcher: calls made in the same tick share one statement, so many concurrent callers (a
 * storm, a satellite's worker pool) cost one round trip per batch instead of one each.
 */

/**
 * KeyedBatcher collects calls until the next turn of the event loop and hands them to `run` as
 * one batch. A batch holds at most one call per key, because one SQL statement cannot change a
 * row twice, and at most `max` calls. The others wait until that batch has run and then go first
 * in the next one, so the calls for one key keep their order.
 *
 * With `inFlight`, at most that many batches run at once; calls made meanwhile wait for one to
 * finish and then go together (group commit). Under load the batches grow instead of the
 * statements multiplying: calls that trickle in over many turns (a dispatcher's deliveries, each
 * at its own step) cost one statement per round trip, not one per turn; alone, a call still goes
 * on the next turn.
 *
 * `run` settles each call of its batch itself (resolve or reject); it should not throw.
 */
export class KeyedBatcher<C> {
  readonly #run: (batch: C[]) => Promise<void>;
  readonly #keyOf: (call: C) => string;
  readonly #max: number;
  readonly #inFlight: number;
  #queued: C[] = [];
  #scheduled = false;
  #running = 0;

  constructor(options: {
    run: (batch: C[]) => Promise<void>;
    keyOf: (call: C) => string;
    max: number;
    inFlight?: number;
  }) {
    this.#run = options.run;
    this.#keyOf = options.keyOf;
    this.#max = options.max;
    this.#inFlight = options.inFlight ?? Infinity;
  }

  /** add queues a call for the next batch; `first` puts it ahead of the calls already waiting. */
  add(call: C, first = false): void {
    if (first) this.#queued.unshift(call);
    else this.#queued.push(call);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled || this.#running >= this.#inFlight || this.#queued.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    const seen = new Set<string>();
    const batch: C[] = [];
    // Calls of a key already in this batch wait for it to finish; the rest (over `max`) may go in the next.
    const waiting: C[] = [];
    const rest: C[] = [];
    for (const call of this.#queued) {
      const key = this.#keyOf(call);
      if (seen.has(key)) waiting.push(call);
      else if (batch.length >= this.#max) rest.push(call);
      else {
        seen.add(key);
        batch.push(call);
      }
    }
    this.#queued = rest;
    this.#running++;
    const finished = (): void => {
      this.#running--;
      for (const call of waiting.reverse()) this.#queued.unshift(call);
      this.#schedule();
    };
    this.#run(batch).then(finished, finished);
    this.#schedule();
  }
}
