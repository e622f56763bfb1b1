/**
 * @module notification/limits/policy
 * The MaxHr / MaxDay / MinDelay decision as a pure function: status, time, limits in; allow or
 * deny (with the reason and the next instant it would allow) out. Both status stores use it. Pure.
 */
import type { Limit } from '../../config-schema.js';
import { windowsAt } from './windows.js';

/** Status is a node's counters on one channel; counters belong to the windows starting at the given instants. */
export interface Status {
  hrStart: Date | null;
  hrCounter: number;
  dayStart: Date | null;
  dayCounter: number;
  lastSent: Date | null;
}

/** EMPTY_STATUS is a node that was never notified on the channel. */
export const EMPTY_STATUS: Status = Object.freeze({
  hrStart: null,
  hrCounter: 0,
  dayStart: null,
  dayCounter: 0,
  lastSent: null,
});

/** DenyReason names the limit that said no. */
export type DenyReason = 'min-delay' | 'max-hour' | 'max-day';

/** Decision is the outcome: allowed with the status after counting, or denied with when to try again. */
export type Decision =
  | { allowed: true; next: Status }
  | {
      allowed: false;
      reason: DenyReason;
      /** The earliest instant all three limits allow; null when a limit of 0 means never. */
      retryAt: Date | null;
    };

/** LimitOptions adds the zone the calendar windows are counted in. */
export interface LimitOptions extends Limit {
  timezone: string;
}

/**
 * decide applies the limits to `status` at `now`.
 *
 * - `maxHr`/`maxDay` count sends in the current calendar hour/day of `timezone`; 0 means never.
 * - `minDelayMs` is the least time between two sends; a send exactly `minDelayMs` after the last is
 *   allowed. 0 means no gap is required (only the counters limit).
 * - When several limits deny, the reason is the longest-lasting one (day, then hour, then min-delay).
 */
export function decide(status: Status, now: Date, limits: LimitOptions): Decision {
  const reason = violated(status, now, limits);
  if (reason === undefined) {
    const w = windowsAt(now, limits.timezone);
    return {
      allowed: true,
      next: {
        hrStart: w.hourStart,
        hrCounter: countIn(status.hrStart, status.hrCounter, w.hourStart) + 1,
        dayStart: w.dayStart,
        dayCounter: countIn(status.dayStart, status.dayCounter, w.dayStart) + 1,
        lastSent: now,
      },
    };
  }
  return { allowed: false, reason, retryAt: nextAllowed(status, now, limits) };
}

/** violated returns the limit that denies a send at `now`, if any. */
function violated(status: Status, now: Date, limits: LimitOptions): DenyReason | undefined {
  const w = windowsAt(now, limits.timezone);
  if (countIn(status.dayStart, status.dayCounter, w.dayStart) >= limits.maxDay) return 'max-day';
  if (countIn(status.hrStart, status.hrCounter, w.hourStart) >= limits.maxHr) return 'max-hour';
  if (status.lastSent !== null && now.getTime() - status.lastSent.getTime() < limits.minDelayMs) return 'min-delay';
  return undefined;
}

/** nextAllowed walks forward past each denying limit until none denies; counters reset at window ends. */
function nextAllowed(status: Status, now: Date, limits: LimitOptions): Date | null {
  if (limits.maxHr === 0 || limits.maxDay === 0) return null;
  let t = now;
  // Each step moves past one limit; three limits, so a handful of steps always settles.
  for (let step = 0; step < 8; step++) {
    const reason = violated(status, t, limits);
    if (reason === undefined) return t;
    const w = windowsAt(t, limits.timezone);
    if (reason === 'max-day') t = w.dayEnd;
    else if (reason === 'max-hour') t = w.hourEnd;
    else t = new Date((status.lastSent as Date).getTime() + limits.minDelayMs);
  }
  return t;
}

/** countIn is the counter if it belongs to the window starting at `start`, else 0. */
function countIn(counterStart: Date | null, counter: number, start: Date): number {
  return counterStart !== null && counterStart.getTime() === start.getTime() ? counter : 0;
}
