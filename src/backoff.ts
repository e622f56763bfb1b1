/**
 * @module backoff
 * Retry delays for transient delivery failures: exponential with "equal jitter". Pure.
 */

/**
 * retryDelayMs is the wait before attempt `attempt + 1` (attempt ≥ 1): base·2^(attempt−1), capped at
 * `maxMs`, of which the second half is random, so retries of a storm spread out.
 */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
