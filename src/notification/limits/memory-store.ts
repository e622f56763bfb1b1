/**
 * @module notification/limits/memory-store
 * StatusStore in process memory: for tests and single-process simulations.
 */
import type { Reservation, ReserveResult, StatusKey, StatusStore } from './store.js';
import { decide, EMPTY_STATUS, type LimitOptions, type Status } from './policy.js';

/** MemoryStatusStore keeps counters in a Map; JavaScript's single thread makes reserve atomic. */
export class MemoryStatusStore implements StatusStore {
  readonly #rows = new Map<string, Status>();
  /** Each key's latest reservation and what it was for, while it stands (see StatusStore.reserve). */
  readonly #latest = new Map<string, { owner: string; reservation: Reservation }>();

  reserve(key: StatusKey, now: Date, limits: LimitOptions, owner?: string): Promise<ReserveResult> {
    const status = this.#read(key);
    const latest = this.#latest.get(keyOf(key));
    if (owner !== undefined && latest?.owner === owner)
      return Promise.resolve({ granted: true, reservation: latest.reservation, status });
    const d = decide(status, now, limits);
    if (!d.allowed) return Promise.resolve({ granted: false, reason: d.reason, retryAt: d.retryAt, status });
    this.#rows.set(keyOf(key), d.next);
    const reservation: Reservation = {
      key,
      at: now,
      hrStart: d.next.hrStart as Date,
      dayStart: d.next.dayStart as Date,
      previousLastSent: status.lastSent,
    };
    if (owner === undefined) this.#latest.delete(keyOf(key));
    else this.#latest.set(keyOf(key), { owner, reservation });
    return Promise.resolve({ granted: true, reservation, status: d.next });
  }

  refund(r: Reservation): Promise<void> {
    const s = this.#read(r.key);
    if (sameInstant(s.lastSent, r.at)) this.#latest.delete(keyOf(r.key));
    this.#rows.set(keyOf(r.key), {
      hrStart: s.hrStart,
      hrCounter: sameInstant(s.hrStart, r.hrStart) ? Math.max(0, s.hrCounter - 1) : s.hrCounter,
      dayStart: s.dayStart,
      dayCounter: sameInstant(s.dayStart, r.dayStart) ? Math.max(0, s.dayCounter - 1) : s.dayCounter,
      lastSent: sameInstant(s.lastSent, r.at) ? r.previousLastSent : s.lastSent,
    });
    return Promise.resolve();
  }

  get(key: StatusKey): Promise<Status> {
    return Promise.resolve(this.#read(key));
  }

  rename(subject: string, to: string): Promise<void> {
    for (const [k, status] of [...this.#rows]) {
      const [channel = '', s] = k.split('\u0000');
      if (s !== subject) continue;
      this.#rows.delete(k);
      this.#latest.delete(k);
      this.#rows.set(keyOf({ subject: to, channel }), status);
    }
    return Promise.resolve();
  }

  #read(key: StatusKey): Status {
    return this.#rows.get(keyOf(key)) ?? EMPTY_STATUS;
  }
}

function keyOf(key: StatusKey): string {
  return `${key.channel}\u0000${key.subject}`;
}

function sameInstant(a: Date | null, b: Date): boolean {
  return a !== null && a.getTime() === b.getTime();
}
