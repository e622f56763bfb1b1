/**
 * @module notification/content/format
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
 * zoneAbbreviation is the zone's short name at `d`: the letters an operator knows (`CEST`, `EDT`,
 * `CET`) where an English locale has them, else the offset (`GMT+5:45`). US English names only
 * American zones, British English names the European ones, so the first that is not an offset wins;
 * every message, the demo and `preview` use this one function, so a zone reads the same everywhere.
 * One formatter per zone and locale is reused (building one costs about 0.2 ms).
 */
export function zoneAbbreviation(d: Date, zone: string): string {
  let names = shortNames.get(zone);
  if (!names) shortNames.set(zone, (names = NAME_LOCALES.map((l) => new Intl.DateTimeFormat(l, { timeZone: zone, timeZoneName: 'short' }))));
  let offset = zone;
  for (const f of names) {
    const name = f.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? zone;
    if (!/^(GMT|UTC)[+-]/.test(name)) return name;
    offset = name;
  }
  return offset;
}

const NAME_LOCALES = ['en-US', 'en-GB'];
const shortNames = new Map<string, Intl.DateTimeFormat[]>();

/** formatSpan: `37 minutes`, `2 h 5 min`, `3 days 4 h`. */
export function formatSpan(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} days${hours % 24 ? ` ${hours % 24} h` : ''}`;
}
