/**
 * @module notification/dispatch/outcome
 * What a failed delivery attempt leaves behind, as a table: transient or permanent, ambiguous (it
 * may have arrived) or not, and the attempts made so far give retry (when), or fail (why, and
 * whether the limit reservations are refunded). Pure: the pass carries the decision out.
 */
import { retryDelayMs } from '../../backoff.js';
import { DAY } from '../../config-schema.js';
import { DeliveryError } from '../../errors.js';

/** RetryRules are the dispatcher's retry settings. */
export interface RetryRules {
  maxAttempts: number;
  maxAmbiguousAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/**
 * Failure is what the channel said about one attempt; `delivery` is false for an error that is no DeliveryError (a bug,
 * a broken plugin).
 */
export interface Failure {
  delivery: boolean;
  permanent: boolean;
  ambiguous: boolean;
  /** The receiver asked for a pause (Retry-After). */
  retryAfterMs?: number | undefined;
  reason: string;
}

/** failureOf is what a send's error says: a channel's DeliveryError as it classified it, anything else permanent. */
export function failureOf(err: unknown): Failure {
  const delivery = err instanceof DeliveryError ? err : undefined;
  return {
    delivery: delivery !== undefined,
    permanent: delivery?.permanent ?? true,
    ambiguous: delivery?.ambiguous === true,
    retryAfterMs: delivery?.retryAfterMs,
    reason: err instanceof Error ? err.message : String(err),
  };
}

/** Attempted is what the row counted before this attempt. */
export interface Attempted {
  attempts: number;
  ambiguousAttempts: number;
}

/** Outcome is what to record: another attempt after `waitMs`, or the end with its reason and whether to refund. */
export type Outcome =
  | { action: 'retry'; waitMs: number; ambiguous: boolean; reason: string }
  | { action: 'fail'; refund: boolean; reason: string };

/**
 * outcomeOf decides. Transient: retried with backoff on the same reservations (a receiver's own
 * pause, up to a day, wins if longer). Ambiguous (the message may have arrived): retried at most
 * `maxAmbiguousAttempts` times, and never refunded, since it may already count as a send.
 * Permanent, not a delivery error, or out of attempts: failed with the reason, refunded unless an
 * attempt was ambiguous.
 */
export function outcomeOf(item: Attempted, f: Failure, rules: RetryRules, random: () => number = Math.random): Outcome {
  const transient = f.delivery && !f.permanent;
  const mayHaveArrived = f.ambiguous || item.ambiguousAttempts > 0;
  const attemptsLeft =
    item.attempts + 1 < rules.maxAttempts && (!f.ambiguous || item.ambiguousAttempts + 1 < rules.maxAmbiguousAttempts);
  if (transient && attemptsLeft) {
    const waitMs = Math.max(
      retryDelayMs(item.attempts + 1, rules.retryBaseMs, rules.retryMaxMs, random),
      Math.min(f.retryAfterMs ?? 0, DAY),
    );
    return { action: 'retry', waitMs, ambiguous: f.ambiguous, reason: f.reason };
  }
  const tries = `${item.attempts + 1} attempt${item.attempts === 0 ? '' : 's'}`;
  const reason = mayHaveArrived
    ? `may have been delivered, unconfirmed after ${tries} (kept counted against the limits): ${f.reason}`
    : transient
      ? `gave up after ${tries}: ${f.reason}`
      : f.reason;
  return { action: 'fail', refund: !mayHaveArrived, reason };
}
