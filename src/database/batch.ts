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
 * `run` settles each call of its batch itself (resolve or reject); it should not throw.
 */
export class KeyedBatcher<C> {
  readonly #run: (batch: C[]) => Promise<void>;
  readonly #keyOf: (call: C) => string;
  readonly #max: number;
  #queued: C[] = [];
  #scheduled = false;

  constructor(options: { run: (batch: C[]) => Promise<void>; keyOf: (call: C) => string; max: number }) {
    this.#run = options.run;
    this.#keyOf = options.keyOf;
    this.#max = options.max;
  }

  /** add queues a call for the next batch; `first` puts it ahead of the calls already waiting. */
  add(call: C, first = false): void {
    if (first) this.#queued.unshift(call);
    else this.#queued.push(call);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#scheduled = false;
    const seen = new Set<string>();
    const batch: C[] = [];
    const later: C[] = [];
    for (const call of this.#queued) {
      const key = this.#keyOf(call);
      if (seen.has(key) || batch.length >= this.#max) later.push(call);
      else {
        seen.add(key);
        batch.push(call);
      }
    }
    this.#queued = [];
    const done = this.#run(batch);
    if (later.length > 0) {
      const requeue = (): void => {
        for (const call of later.reverse()) this.add(call, true);
      };
      done.then(requeue, requeue);
    }
  }
}
