/**
 * @module preferences/preferences
 * What an operator chooses (Fedora FMN's model): their zone and language, quiet hours, how often
 * news may reach them, and per channel instance a list of filters — a notification goes to an
 * instance when any of its filters matches, and a filter matches when every field it gives does.
 */
import { createHash } from 'node:crypto';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { EVENT_KINDS, LOG_LEVELS } from '../kinds.js';
import { assertEmailAddress } from '../mailservice/input.js';
import { NodeId } from '../overlay/node-id.js';

const CLOCK = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM, e.g. 22:00');

/** REPORT_CADENCES an operator may choose for their report of usage and health. */
export const REPORT_CADENCES = ['none', 'daily', 'weekly', 'monthly'] as const;
export type ReportCadence = (typeof REPORT_CADENCES)[number];

/** FILTER is one FMN filter: each given field must match; an empty filter matches everything. */
export const FILTER = z.strictObject({
  kinds: z.array(z.enum(EVENT_KINDS)).min(1).max(EVENT_KINDS.length).optional(),
  /** Kinds left out: every other kind matches, one added in a later version too. */
  exceptKinds: z.array(z.enum(EVENT_KINDS)).min(1).max(EVENT_KINDS.length).optional(),
  nodes: z
    .array(z.string().refine((v) => NodeId.tryParse(v) !== undefined, 'must be a node id'))
    .min(1)
    .max(1000)
    .transform((ids) => ids.map((v) => (NodeId.tryParse(v) as NodeId).toString()))
    .optional(),
  minLevel: z.enum(LOG_LEVELS).optional(),
});
export type Filter = z.output<typeof FILTER>;

/** PREFERENCES is an operator's whole set of choices, as stored and as `get` returns it. */
export const PREFERENCES = z.strictObject({
  timezone: z.string().refine((v) => IANAZone.isValidZone(v), 'must be an IANA time zone such as Europe/Berlin'),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a language tag such as en or de-CH'),
  quietHours: z
    .strictObject({ start: CLOCK, end: CLOCK })
    .refine((q) => q.start !== q.end, 'start and end must differ')
    .nullable(),
  digest: z.enum(['immediate', 'hourly', 'daily']),
  /** When a daily digest leaves, in the operator's zone. */
  digestAt: CLOCK,
  /** How often their report of usage and health comes (`reports.operator`); none: never. */
  reports: z.enum(REPORT_CADENCES),
  /** Per channel instance; an instance not listed takes the defaults', and one not there either gets everything. */
  filters: z.record(
    z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a channel instance name'),
    z.array(FILTER).max(50),
  ),
});
export type Preferences = z.output<typeof PREFERENCES>;

/** PREFERENCES_UPDATE is what `update` takes: any subset; `filters` replaces the lists of the instances it names. */
export const PREFERENCES_UPDATE = PREFERENCES.partial();
export type PreferencesUpdate = z.input<typeof PREFERENCES_UPDATE>;

/**
 * erasedKey is how an erased operator is remembered: a hash of the address, so the address itself
 * is gone (used for the erased list, and for the counters kept under a new name).
 */
export function erasedKey(operator: string): string {
  return createHash('sha256').update(`satnotify-erased:${operator}`).digest('hex');
}

/** operatorKey is an operator address as preferences, the outbox and links key it: checked, lowercased. */
export function operatorKey(address: string): string {
  return assertEmailAddress(address, 'operator').toLowerCase();
}
