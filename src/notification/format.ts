/**
 * @module notification/format
 * How instants and spans read in emails and log lines: in the configured zone, with the zone named.
 */
import { DateTime } from 'luxon';

/** formatInstant: `2024-05-01 10:04 CEST (Europe/Berlin)`, or `2024-05-01 10:04 UTC`. */
export function formatInstant(d: Date, zone: string): string {
  const t = DateTime.fromJSDate(d, { zone });
  const abbr = t.toFormat('ZZZZ');
  return zone === 'UTC' || zone === 'Etc/UTC' ? `${t.toFormat('yyyy-MM-dd HH:mm')} UTC` : `${t.toFormat('yyyy-MM-dd HH:mm')} ${abbr} (${zone})`;
}

/** formatClock: `10:04 CEST`, for a time within a line that already names the day. */
export function formatClock(d: Date, zone: string): string {
  const t = DateTime.fromJSDate(d, { zone });
  return `${t.toFormat('HH:mm')} ${zone === 'UTC' ? 'UTC' : t.toFormat('ZZZZ')}`;
}

/** formatSpan: `37 minutes`, `2 h 5 min`, `3 days 4 h`. */
export function formatSpan(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} days${hours % 24 ? ` ${hours % 24} h` : ''}`;
}
