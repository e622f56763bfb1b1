/**
 * @module notification/reports/period
 * A report's period: the last one that has ended by an instant, in a zone (a day, a week up to a
 * weekday, or a calendar month, each ending at a time of day), and the calendar days it covers.
 * Pure.
 */
import { DateTime } from 'luxon';
import { WEEKDAYS } from './config.js';

/** Cadence is how long a period is. */
export type Cadence = 'daily' | 'weekly' | 'monthly';

/** PeriodRule says when periods end: every day, week (on `weekday`) or month (on the 1st), at `at`. */
export interface PeriodRule {
  cadence: Cadence;
  weekday: (typeof WEEKDAYS)[number];
  at: string;
  zone: string;
}

/** Period is one reported stretch of time. */
export interface Period {
  cadence: Cadence;
  start: Date;
  end: Date;
  /** The calendar days in the zone whose usage it reports (the day it ends on is the next period's). */
  days: string[];
  /** Its name among the subject's periods, e.g. `weekly:2026-11-30`: the day it starts, in the zone. */
  key: string;
}

/** lastEnded is the latest period of `rule` that has ended by `now`. */
export function lastEnded(rule: PeriodRule, now: Date): Period {
  const t = DateTime.fromJSDate(now, { zone: rule.zone });
  const [h, m] = rule.at.split(':').map(Number);
  const at = { hour: h ?? 0, minute: m ?? 0, second: 0, millisecond: 0 };
  const step = { daily: { days: 1 }, weekly: { weeks: 1 }, monthly: { months: 1 } }[rule.cadence];
  let end =
    rule.cadence === 'daily'
      ? t.set(at)
      : rule.cadence === 'weekly'
        ? t.set({ ...at, weekday: (WEEKDAYS.indexOf(rule.weekday) + 1) as 1 | 2 | 3 | 4 | 5 | 6 | 7 })
        : t.set({ ...at, day: 1 });
  if (end > t) end = end.minus(step);
  const start = end.minus(step);
  const days: string[] = [];
  for (let d = start.startOf('day'); d < end.startOf('day'); d = d.plus({ days: 1 }))
    days.push(d.toISODate() as string);
  return {
    cadence: rule.cadence,
    start: start.toJSDate(),
    end: end.toJSDate(),
    days,
    key: `${rule.cadence}:${start.toISODate() as string}`,
  };
}
