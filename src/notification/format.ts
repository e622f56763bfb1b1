/**
 * @module notification/format
 * How instants and spans read in emails and log lines: in the configured zone, with the zone named.
 */
import { DateTime } from 'luxon';

/** formatInstant: `2024-05-01 10:04 CEST (Europe/Berlin)`, or `2024-05-01 10:04 UTC`. */
export function formatInstant(d: Date, zone: string): string {
  const t = DateTime.fromJSDate(d, { zone }).toFormat('yyyy-MM-dd HH:mm');
  return zone === 'UTC' || zone === 'Etc/UTC' ? `${t} UTC` : `${t} ${zoneAbbreviation(d, zone)} (${zone})`;
}

/** formatClock: `10:04 CEST`, for a time within a line that already names the day. */
export function formatClock(d: Date, zone: string): string {
  return `${DateTime.fromJSDate(d, { zone }).toFormat('HH:mm')} ${zone === 'UTC' ? 'UTC' : zoneAbbreviation(d, zone)}`;
}

/**
 * zoneAbbreviation is the zone's short name at `d` (`CEST`, or `GMT+2` where the locale has none),
 * as luxon's `ZZZZ` gives it in the default locale. luxon builds a new Intl.DateTimeFormat for
 * every such name (about 0.2 ms, paid several times per notification); one per zone is reused.
 */
export function zoneAbbreviation(d: Date, zone: string): string {
  let f = shortNames.get(zone);
  if (!f) shortNames.set(zone, (f = new Intl.DateTimeFormat(undefined, { timeZone: zone, timeZoneName: 'short' })));
  return f.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? zone;
}

const shortNames = new Map<string, Intl.DateTimeFormat>();

/** formatSpan: `37 minutes`, `2 h 5 min`, `3 days 4 h`. */
export function formatSpan(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} days${hours % 24 ? ` ${hours % 24} h` : ''}`;
}
