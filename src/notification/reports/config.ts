/**
 * @module notification/reports/config
 * The `reports` section: the operator's periodic report (Tahoe-LAFS #1281's digest of aggregate
 * usage), which each operator may change on their page, and the network's broadcast of activity
 * on channel instances of the satellite's own.
 */
import { z } from 'zod';
import { count, duration, HOUR, MINUTE, section } from '../../config-schema.js';
import { REPORT_CADENCES } from '../../preferences/preferences.js';

const CLOCK = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM, e.g. 09:00');

/** WEEKDAYS as luxon numbers them (1 = Monday). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** REPORTS_CONFIG is the `reports` section of the configuration. */
export const REPORTS_CONFIG = section(
  {
    operator: section(
      {
        cadence: z
          .enum(REPORT_CADENCES)
          .default('weekly')
          .describe("A new operator's report: none, daily, weekly or monthly (each operator may change theirs)."),
        weekday: z.enum(WEEKDAYS).default('mon').describe('The day a weekly report covers the week up to.'),
        at: CLOCK.default('09:00').describe(
          "When a period ends and its report leaves, in the operator's zone (HH:MM); a monthly one on the 1st.",
        ),
        maxNodes: count(
          50,
          1,
          10_000,
          'Nodes a report lists one by one (those with something to do first); the rest are counted in the totals',
        ),
      },
      "The operator's report: one email per period for all their nodes.",
    ),
    network: section(
      {
        instances: z
          .array(z.string())
          .default([])
          .describe(
            "The satellite's own channel instances (an IRC channel, an MQTT topic, a webhook) that get the network's report; empty: no network report.",
          ),
        cadence: z
          .enum(['daily', 'weekly', 'monthly'])
          .default('daily')
          .describe('How often the network reports its activity.'),
        weekday: z.enum(WEEKDAYS).default('mon').describe('The day a weekly network report covers the week up to.'),
        at: CLOCK.default('09:00').describe('When a period ends, in `limits.timezone` (HH:MM).'),
        public: z
          .boolean()
          .default(true)
          .describe('Also list each network report on the public news feed (`{baseUrl}/news.rss`).'),
      },
      "The network's broadcast of activity: the same words for everyone, nothing about a single operator.",
    ),
    every: duration('5m', MINUTE, HOUR, 'How often a running dispatcher looks for periods that have ended'),
    grace: duration(
      '1d',
      HOUR,
      7 * 24 * HOUR,
      'A period whose end is longer ago than this when first looked at (the satellite was down) is not reported late',
    ),
  },
  'Reports and news: what an operator hears when nothing is wrong.',
);

/** ReportsConfig is the resolved `reports` section. */
export type ReportsConfig = z.output<typeof REPORTS_CONFIG>;
