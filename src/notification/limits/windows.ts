/**
 * @module notification/limits/windows
 * Calendar hour and day windows in an IANA zone, keyed by the UTC instant where they start.
 * Pure: no clock, no I/O.
 */
import { DateTime } from 'luxon';

/** Windows are the calendar hour and day that contain an instant, with where each ends. */
export interface Windows {
  hourStart: Date;
  hourEnd: Date;
  dayStart: Date;
  dayEnd: Date;
}

/**
 * windowsAt returns the hour and day containing `now` in `zone`.
 * Hours come from the instant's own offset, so the repeated hour at a fall-back transition is two
 * distinct windows, and half- or quarter-hour zones (Asia/Kathmandu, +05:45) start hours at :45 UTC.
 * Days start at local midnight, or at the first instant after it where midnight is skipped
 * (America/Santiago); they are 23 h or 25 h long on DST days.
 */
export function windowsAt(now: Date, zone: string): Windows {
  // Every limit check needs the windows, and luxon's zone math costs microseconds; an instant inside
  // the hour last computed for the zone has the same windows, so reuse them.
  const t = now.getTime();
  let ring = recent.get(zone);
  if (!ring) recent.set(zone, (ring = []));
  for (const w of ring) if (t >= w.hourStart.getTime() && t < w.hourEnd.getTime()) return w;
  const w = compute(now, zone);
  // A few hours per zone: the current one and those a denial looks ahead to (next hour, next day).
  ring.unshift(w);
  if (ring.length > RING) ring.pop();
  return w;
}

const RING = 4;
const recent = new Map<string, Windows[]>();

function compute(now: Date, zone: string): Windows {
  const local = DateTime.fromJSDate(now, { zone });
  const hour = local.startOf('hour');
  const day = local.startOf('day');
  return Object.freeze({
    hourStart: hour.toJSDate(),
    hourEnd: hour.plus({ hours: 1 }).toJSDate(),
    dayStart: day.toJSDate(),
    dayEnd: day.plus({ days: 1 }).startOf('day').toJSDate(),
  });
}
