/**
 * @module i18n/format
 * How instants, spans and decimals read in messages: in the reader's zone (named the same way
 * everywhere) and language, through Intl (CLDR), so `0.961` is `0,961` in German and `5 minut` in
 * Polish takes the right plural form. Pure.
 */

/**
 * formatInstant: `May 1, 2024, 10:04 CEST (Europe/Berlin)`; `1 maj 2024, 10:04 CEST (Europe/Berlin)`; `…, 10:04 UTC`.
 */
export function formatInstant(d: Date, zone: string, locale = 'en'): string {
  const t = formatWhen(d, zone, locale);
  return isUtc(zone) ? t : `${t} (${zone})`;
}

/**
 * formatWhen: `May 1, 2024, 10:04 CEST`, for lines under a heading that names the zone. Polish
 * dates are in the long form (`1 maja 2024`): its month is in the genitive, which a date after a
 * preposition needs, where the medium form's `1 maj 2024` reads as a case error.
 */
export function formatWhen(d: Date, zone: string, locale = 'en'): string {
  const form = locale.startsWith('pl') ? LONG_DATE : MEDIUM_DATE;
  return zoned(form.dateStyle, form.dateStyle === 'long' ? longDateTimes : dateTimes, form, d, zone, locale);
}

const MEDIUM_DATE = { dateStyle: 'medium', timeStyle: 'short' } as const;
const LONG_DATE = { dateStyle: 'long', timeStyle: 'short' } as const;

/** formatClock: `10:04 CEST`, for a time within a line that already names the day. */
export function formatClock(d: Date, zone: string, locale = 'en'): string {
  return zoned('clock', clocks, { hour: '2-digit', minute: '2-digit' }, d, zone, locale);
}

/**
 * zoned reads an instant in `form` (24-hour, to the minute) and names the zone after it. Readings
 * are remembered per form, locale, zone and minute: the messages of a storm name the same few
 * minutes, so most are a lookup instead of a format and one or two zone-name lookups.
 * Since 1980 every zone changes offset or name on a whole minute (before, local mean times had
 * seconds), so one minute always reads one way.
 */
function zoned(
  form: string,
  cache: Map<string, Intl.DateTimeFormat>,
  options: Intl.DateTimeFormatOptions,
  d: Date,
  zone: string,
  locale: string,
): string {
  const read = (): string => {
    const f = formatter(
      cache,
      `${locale}|${zone}`,
      () => new Intl.DateTimeFormat(locale, { ...options, hourCycle: 'h23', timeZone: zone }),
    );
    const t = form === 'long' ? withCommaBeforeHour(f.formatToParts(d)) : f.format(d);
    return `${t} ${isUtc(zone) ? 'UTC' : zoneAbbreviation(d, zone)}`;
  };
  const t = d.getTime();
  if (!(t >= WHOLE_MINUTE_TRANSITIONS)) return read(); // also an invalid date, which format() refuses
  return remembered(`${form}|${locale}|${zone}|${Math.floor(t / 60_000)}`, read);
}

/** remembered is a reading made once: spans, decimals and minutes recur across a storm's messages. */
function remembered(key: string, format: () => string): string {
  let s = readings.get(key);
  if (s === undefined) {
    if (readings.size >= MAX_READINGS) readings.clear();
    readings.set(key, (s = format()));
  }
  return s;
}

/**
 * zoneAbbreviation is the zone's short name at `d`: the letters an operator knows (`CEST`, `EDT`,
 * `CET`) where an English locale has them, else the offset (`GMT+5:45`). US English names only
 * American zones, British English names the European ones, so the first that is not an offset wins;
 * every message, in every language, the demo and `preview` use this one function, so a zone reads
 * the same everywhere.
 */
export function zoneAbbreviation(d: Date, zone: string): string {
  let names = shortNames.get(zone);
  if (!names)
    shortNames.set(
      zone,
      (names = NAME_LOCALES.map((l) => new Intl.DateTimeFormat(l, { timeZone: zone, timeZoneName: 'short' }))),
    );
  let offset = zone;
  for (const f of names) {
    const name = f.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? zone;
    if (!/^(GMT|UTC)[+-]/.test(name)) return name;
    offset = name;
  }
  return offset;
}

/** formatSpan: `37 minutes`, `2 hr 5 min`, `3 days 4 hr` (`37 Minuten`, `3 dni i 4 godz.`). */
export function formatSpan(ms: number, locale = 'en'): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  return remembered(`span|${locale}|${minutes}`, () => spanOf(minutes, locale));
}

function spanOf(minutes: number, locale: string): string {
  if (minutes < 60) return unit(locale, 'minute', 'long', minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 48)
    return join(locale, [
      unit(locale, 'hour', 'short', hours),
      minutes % 60 ? unit(locale, 'minute', 'short', minutes % 60) : '',
    ]);
  const days = Math.floor(hours / 24);
  return join(locale, [unit(locale, 'day', 'long', days), hours % 24 ? unit(locale, 'hour', 'short', hours % 24) : '']);
}

/**
 * formatDecimal prints a decimal (`0.961`, or the number) with as many places as it was given, in the locale's digits.
 */
export function formatDecimal(value: string | number, locale = 'en'): string {
  const text = String(value);
  return remembered(`decimal|${locale}|${text}`, () => decimalOf(text, locale));
}

function decimalOf(text: string, locale: string): string {
  const places = Math.min(/\.(\d+)$/.exec(text)?.[1]?.length ?? 0, 20);
  return formatter(
    decimals,
    `${locale}|${places}`,
    () =>
      new Intl.NumberFormat(locale, {
        minimumFractionDigits: places,
        maximumFractionDigits: places,
        useGrouping: false,
      }),
  ).format(Number(text));
}

/**
 * formatDays names a stretch of calendar days (YYYY-MM-DD, both included) as the language writes a
 * range: `May 5, 2024`, `Apr 29 – May 5, 2024`, `29. Apr. – 5. Mai 2024`, `29 kwietnia – 5 maja 2024`
 * (Polish in the long form, as formatWhen).
 */
export function formatDays(first: string, last: string, locale = 'en'): string {
  return remembered(`days|${locale}|${first}|${last}`, () => {
    const style = locale.startsWith('pl') ? 'long' : 'medium';
    const f = formatter(
      ranges,
      `${locale}|${style}`,
      () => new Intl.DateTimeFormat(locale, { dateStyle: style, timeZone: 'UTC' }),
    );
    const [a, b] = [noonOf(first), noonOf(last)];
    return first === last ? f.format(a) : f.formatRange(a, b);
  });
}

/** formatDay names a calendar day (YYYY-MM-DD) short, without its year: `Apr 29`, `29. Apr.`, `29 kwi`. */
export function formatDay(day: string, locale = 'en'): string {
  return remembered(`day|${locale}|${day}`, () =>
    formatter(
      ranges,
      `${locale}|day`,
      () => new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }),
    ).format(noonOf(day)),
  );
}

/** noonOf is a calendar day's noon in UTC: the instant that names that day in a UTC formatter. */
function noonOf(day: string): Date {
  return new Date(`${day}T12:00:00Z`);
}

/** The decimal units of a byte count, as Storj's dashboard shows them (1 TB = 10^12 bytes). */
const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'] as const;
/** Each unit's size in bytes. */
const UNIT_SIZES = BYTE_UNITS.map((_, i) => 1000 ** i);

/**
 * formatBytes: `4.20 TB`, `4,20 TB`, `980 B`; two decimals from kB on, in the largest unit the
 * count reaches (`999.999 GB` is `1.00 TB`, not `1,000.00 GB`). `signed` puts a sign before any
 * change (`+0.10 TB`, `−1.05 GB`).
 */
export function formatBytes(bytes: number, locale = 'en', signed = false): string {
  return bytesIn(bytes, shapeOf(locale), signed);
}

/** formatShare: `99.2%`, `99,2 %`, `99,2%` (a share of 0–1 as the language writes a percentage, one decimal). */
export function formatShare(share: number, locale = 'en'): string {
  return shareIn(share, shapeOf(locale));
}

/** Numbers writes byte counts and shares in one language (formatBytes, formatShare), its shape read once. */
export interface Numbers {
  bytes(bytes: number, signed?: boolean): string;
  share(share: number): string;
}
const numbers = new Map<string, Numbers>();

/** numbersIn is formatBytes and formatShare for one language: a report writes dozens of each. */
export function numbersIn(locale: string): Numbers {
  let n = numbers.get(locale);
  if (!n) {
    const s = shapeOf(locale);
    numbers.set(locale, (n = { bytes: (b, signed = false) => bytesIn(b, s, signed), share: (x) => shareIn(x, s) }));
  }
  return n;
}

function bytesIn(bytes: number, s: Shape, signed: boolean): string {
  const size = Math.abs(bytes);
  let power = size < 1000 ? 0 : Math.min(Math.floor(Math.log10(size) / 3), BYTE_UNITS.length - 1);
  let fixed = (size / (UNIT_SIZES[power] as number)).toFixed(power === 0 ? 0 : 2);
  // Rounded up to 1000 of its unit ("1000" or "1000.00"): the next unit's 1.00.
  if (fixed.length === (power === 0 ? 4 : 7) && power < BYTE_UNITS.length - 1)
    fixed = (size / (UNIT_SIZES[++power] as number)).toFixed(2);
  const sign = !signed ? (bytes < 0 ? '−' : '') : bytes > 0 ? '+' : bytes < 0 ? '−' : '±';
  return `${sign}${numberIn(fixed, s)}\u00a0${BYTE_UNITS[power] as string}`;
}

function shareIn(share: number, s: Shape): string {
  return s.latin
    ? `${s.percentBefore}${numberIn((share * 100).toFixed(1), s)}${s.percentAfter}`
    : (s.percent as Intl.NumberFormat).format(share);
}

/**
 * Shape is how a language writes a number below 1000 and a percentage, read once from Intl: its
 * decimal sign and what stands around a percentage. Reports write hundreds of figures; putting a
 * toFixed() into that shape is a string operation where Intl's format() costs a microsecond each.
 */
interface Shape {
  locale: string;
  /** Whether Intl writes this language's numbers in ASCII digits (else numbers go through Intl). */
  latin: boolean;
  decimal: string;
  percentBefore: string;
  percentAfter: string;
  plain: Intl.NumberFormat | null;
  percent: Intl.NumberFormat | null;
}
const shapes = new Map<string, Shape>();

function shapeOf(locale: string): Shape {
  let s = shapes.get(locale);
  if (s) return s;
  const plain = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, useGrouping: false });
  const percent = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const parts = percent.formatToParts(0.125);
  const at = parts.findIndex((p) => p.type === 'integer');
  const end = parts.findIndex((p) => p.type === 'fraction');
  const latin = plain.format(12.5).replace(/[^0-9]/g, '') === '125';
  s = {
    locale,
    latin,
    decimal: plain.formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.',
    percentBefore: parts
      .slice(0, at)
      .map((p) => p.value)
      .join(''),
    percentAfter: parts
      .slice(end + 1)
      .map((p) => p.value)
      .join(''),
    plain: latin ? null : plain,
    percent: latin ? null : percent,
  };
  shapes.set(locale, s);
  return s;
}

/** numberIn writes a plain decimal (`12.50`, no grouping) as the shape's language does: `12,50`. */
function numberIn(fixed: string, s: Shape): string {
  if (!s.latin) {
    const places = fixed.length - fixed.indexOf('.') - 1;
    return new Intl.NumberFormat(s.locale, {
      minimumFractionDigits: fixed.includes('.') ? places : 0,
      useGrouping: false,
    }).format(Number(fixed));
  }
  return s.decimal === '.' ? fixed : fixed.replace('.', s.decimal);
}

function isUtc(zone: string): boolean {
  return zone === 'UTC' || zone === 'Etc/UTC';
}

function unit(locale: string, name: 'minute' | 'hour' | 'day', display: 'long' | 'short', n: number): string {
  return formatter(
    units,
    `${locale}|${name}|${display}`,
    () => new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: display }),
  ).format(n);
}

/** formatList joins names as the language does: "us1, eu1 and ap1", "us1, eu1 und ap1", "us1, eu1 i ap1". */
export function formatList(names: readonly string[], locale: string): string {
  return formatter(
    conjunctions,
    locale,
    () => new Intl.ListFormat(locale, { type: 'conjunction', style: 'long' }),
  ).format(names);
}

function join(locale: string, parts: string[]): string {
  return formatter(lists, locale, () => new Intl.ListFormat(locale, { type: 'unit', style: 'narrow' })).format(
    parts.filter(Boolean),
  );
}

/** formatter reuses one Intl formatter per locale and options: building one costs about 0.2 ms. */
function formatter<F>(cache: Map<string, F>, key: string, make: () => F): F {
  let f = cache.get(key);
  if (!f) cache.set(key, (f = make()));
  return f;
}

/** CLDR's long form runs the year into the hour (`1 maja 2024 10:04`); a comma parts them as in the medium form. */
function withCommaBeforeHour(parts: Intl.DateTimeFormatPart[]): string {
  const hour = parts.findIndex((p) => p.type === 'hour');
  return parts
    .map((p, i) => (i === hour - 1 && p.type === 'literal' && p.value.trim() === '' ? ', ' : p.value))
    .join('');
}
const NAME_LOCALES = ['en-US', 'en-GB'];
const WHOLE_MINUTE_TRANSITIONS = Date.UTC(1980, 0, 1);
const MAX_READINGS = 10_000;
const readings = new Map<string, string>();
const shortNames = new Map<string, Intl.DateTimeFormat[]>();
const dateTimes = new Map<string, Intl.DateTimeFormat>();
const longDateTimes = new Map<string, Intl.DateTimeFormat>();
const clocks = new Map<string, Intl.DateTimeFormat>();
const decimals = new Map<string, Intl.NumberFormat>();
const ranges = new Map<string, Intl.DateTimeFormat>();
const units = new Map<string, Intl.NumberFormat>();
const lists = new Map<string, Intl.ListFormat>();
const conjunctions = new Map<string, Intl.ListFormat>();
