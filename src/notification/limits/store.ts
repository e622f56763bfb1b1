/**
 * @module notification/limits/store
 * The StatusStore seam: check MaxHr/MaxDay/MinDelay and count a send in one atomic step.
 * Implementations live beside it (memory-store.ts, pg-store.ts) and are chosen by the factory.
 */
import type { DenyReason, LimitOptions, Status } from './policy.js';

/** StatusKey names one set of counters: a subject (node id hex, or `addr:` + email) on a channel. */
export interface StatusKey {
  subject: string;
  channel: string;
}

/** Reservation is a granted send, kept so a permanent failure can refund it. */
export interface Reservation {
  key: StatusKey;
  at: Date;
  hrStart: Date;
  dayStart: Date;
  previousLastSent: Date | null;
}

/** ReserveResult is a granted reservation, or a denial with when to try again. */
export type ReserveResult =
  | { granted: true; reservation: Reservation; status: Status }
  | { granted: false; reason: DenyReason; retryAt: Date | null; status: Status };

/**
 * StatusStore checks the limits and counts a send in one atomic step.
 * Correct under concurrent callers, including callers in other processes for shared stores.
 */
export interface StatusStore {
  /**
   * reserve grants and counts a send at `now`, or denies it without counting. `owner` names what
   * the send is for (an outbox item): if the key's latest reservation was made for the same owner
   * and never refunded, that one is granted again, as counted then, and nothing is counted now. A
   * process that died between reserving and writing the reservation onto its row leaves exactly
   * that behind; the process that takes the row over adopts it.
   */
  reserve(key: StatusKey, now: Date, limits: LimitOptions, owner?: string): Promise<ReserveResult>;
  /** refund undoes a reservation whose send failed permanently (counters and last-sent). */
  refund(reservation: Reservation): Promise<void>;
  /** get reads the counters as stored (an untouched key reads as EMPTY_STATUS). */
  get(key: StatusKey): Promise<Status>;
  /**
   * rename moves a subject's counters, on every channel, to another subject (an erased operator's
   * address becomes a hash of it): the counts stay, the old name goes. Counters already under the
   * new name are replaced.
   */
  rename(subject: string, to: string): Promise<void>;
}
