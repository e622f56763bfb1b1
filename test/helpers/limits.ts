/**
 * Small builders shared by the limit tests.
 */
import type { LimitOptions, Status } from '../../src/notification/limits/policy.js';
import { EMPTY_STATUS } from '../../src/notification/limits/policy.js';

/** limits builds LimitOptions with generous defaults overridden by `over`. */
export function limits(over: Partial<LimitOptions> = {}): LimitOptions {
  return { timezone: 'UTC', maxHr: 100, maxDay: 1000, minDelayMs: 0, ...over };
}

/** at parses an ISO instant. */
export function at(iso: string): Date {
  return new Date(iso);
}

/** status builds a Status from EMPTY_STATUS and `over`. */
export function status(over: Partial<Status> = {}): Status {
  return { ...EMPTY_STATUS, ...over };
}
