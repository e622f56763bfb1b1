/**
 * @module config-schema
 * Building blocks of the configuration schema: counts, durations, flags and one-line strings, each
 * with its default, bounds and a description that names its unit. Every module declares its own
 * section with them; config.ts composes the sections.
 */
import { z } from 'zod';
import { formatDuration, parseDurationMs } from './duration.js';
import { oneLine as headerLine } from './input/text.js';

// Bounds: counts stay far below PostgreSQL's integer and what any satellite means; durations stay
// within what Node's timers hold (2^31-1 ms, about 24.8 days) where they become timers, and within
// what the code and PostgreSQL's timestamps hold elsewhere. Zero is allowed only where it means
// something (no gap, no grouping, unlimited rate).
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** The most sends a limit may allow per window. */
export const MAX_COUNT = 1_000_000;

/** count is a whole number within bounds, with its default and description. */
export function count(def: number, min: number, max: number, text: string) {
  return z
    .number()
    .int('must be a whole number')
    .min(min, `must be ≥ ${min}`)
    .max(max, `must be ≤ ${max}`)
    .default(def)
    .describe(`${text} (${min}–${max}).`);
}

/** DurationBrand marks a duration field's type: a section names its parsed value `<key>Ms`. */
export interface DurationBrand {
  readonly 'satnotify:unit': 'ms';
}
const durations = new WeakSet<object>();

/**
 * duration takes `90s`, `15m`, `1h30m` or milliseconds, within bounds, and yields milliseconds;
 * the section it is in names the parsed value with its unit (`lease` is read as `leaseMs`).
 */
export function duration(def: string, min: number, max: number, text: string) {
  const schema = z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      const ms = parseDurationMs(v);
      if (ms === undefined)
        ctx.addIssue({ code: 'custom', message: 'must be a duration such as 90s, 15m, 1h30m, or milliseconds' });
      else if (ms < min || ms > max)
        ctx.addIssue({ code: 'custom', message: `must be from ${formatDuration(min)} to ${formatDuration(max)}` });
      return ms ?? 0;
    })
    .prefault(def)
    .describe(`${text} (duration, ${formatDuration(min)}–${formatDuration(max)}).`);
  durations.add(schema);
  return schema as typeof schema & DurationBrand;
}

/** Resolved is a section as code reads it: duration keys carry their unit (`leaseMs`). */
export type Resolved<T extends z.core.$ZodLooseShape> = {
  [K in keyof T as T[K] extends DurationBrand ? `${K & string}Ms` : K]: z.output<T[K]>;
};

export const flag = (def: boolean, text: string) => z.boolean().default(def).describe(`${text}.`);
/** oneLine is a string bound for a header (a name, a From line): the same rule as a header value at the door. */
export const oneLine = (def: string, text: string) => headerLine(998).default(def).describe(`${text}.`);
/**
 * section is one module's configuration: its keys, each with a default, so `{}` is a valid input
 * (`never` says so to the generic type); parsed durations are renamed to carry their unit.
 */
export const section = <T extends z.core.$ZodLooseShape>(shape: T, text: string) =>
  z
    .strictObject(shape)
    .transform(
      (parsed) =>
        Object.fromEntries(
          Object.entries(parsed).map(([k, v]) => [durations.has(shape[k] as object) ? `${k}Ms` : k, v]),
        ) as Resolved<T>,
    )
    .prefault({} as never)
    .describe(text);

/** limit is one channel's MaxHr, MaxDay and MinDelay, with defaults; `who` says whose sends it counts. */
export const limit = (maxHr: number, maxDay: number, minDelay: string, who: string) =>
  z
    .strictObject({
      maxHr: count(maxHr, 0, MAX_COUNT, `Sends per calendar hour ${who}; 0: never`),
      maxDay: count(maxDay, 0, MAX_COUNT, `Sends per calendar day ${who}; 0: never; at least maxHr`),
      minDelay: duration(minDelay, 0, 30 * DAY, `Least time between two sends ${who}; 0: no gap`),
    })
    .superRefine((l, ctx) => {
      if (l.maxHr > l.maxDay)
        ctx.addIssue({ code: 'custom', path: ['maxHr'], message: `must be ≤ maxDay (${l.maxDay})`, input: l.maxHr });
    })
    .transform((l) => ({ maxHr: l.maxHr, maxDay: l.maxDay, minDelayMs: l.minDelay }))
    .describe(`Limits ${who}.`);
/** Limit is one channel's resolved MaxHr, MaxDay and MinDelay. */
export type Limit = z.output<ReturnType<typeof limit>>;

/**
 * url accepts '' (not set) or a URL whose scheme is one of `schemes`; it is parsed here so a bad one fails at startup.
 */
export function url(schemes: readonly string[], text: string) {
  return z
    .string()
    .refine(
      (u) => u === '' || (URL.canParse(u) && schemes.includes(new URL(u).protocol.slice(0, -1))),
      `must be a URL starting with ${schemes.map((x) => `${x}://`).join(' or ')}`,
    )
    .default('')
    .describe(`${text}.`);
}
