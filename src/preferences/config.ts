/**
 * @module preferences/config
 * The `preferences` section: the preferences a new operator starts with (FMN's "template for new
 * users"), which kinds no operator may silence everywhere, and which kinds never wait.
 */
import { z } from 'zod';
import { section } from '../config-schema.js';
import { EVENT_KINDS } from '../kinds.js';
import { FILTER } from './preferences.js';

/** PREFERENCES_CONFIG is the `preferences` section of the configuration. */
export const PREFERENCES_CONFIG = section(
  {
    timezone: z.string().default('').describe("A new operator's zone; empty: `limits.timezone`."),
    language: z.string().default('en').describe("A new operator's language."),
    digest: z
      .enum(['immediate', 'hourly', 'daily'])
      .default('immediate')
      .describe(
        'How often news may reach a new operator: at once, at the top of each hour, or once a day at `digestAt`.',
      ),
    digestAt: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
      .default('08:00')
      .describe("When a daily digest leaves, in the operator's zone (HH:MM)."),
    filters: z
      .record(z.string(), z.array(FILTER))
      .default({})
      .describe(
        'Filters per channel instance for a new operator, e.g. `{ "irc": [{ "minLevel": "warn" }] }`; an instance not listed gets everything.',
      ),
    critical: z
      .array(z.enum(EVENT_KINDS))
      .default(['disqualified', 'audit-failed', 'containment-entered'])
      .describe('Kinds an operator may move between channels but not silence on every one of them.'),
    urgent: z
      .array(z.enum(EVENT_KINDS))
      .default(['disqualified'])
      .describe('Kinds that ignore quiet hours and digest cadence.'),
    urgentAuditDistance: z
      .number()
      .min(0)
      .max(1)
      .default(0.01)
      .describe('An audit failure this close to the disqualification bar (score − threshold) is urgent too.'),
  },
  "Operators' own choices: defaults, and the limits of what they can turn off.",
);

/** PreferencesConfig is the resolved `preferences` section. */
export type PreferencesConfig = z.output<typeof PREFERENCES_CONFIG>;
