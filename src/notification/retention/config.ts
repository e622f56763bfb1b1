/**
 * @module notification/retention/config
 * The `retention` section: how long finished notifications are kept, and how the chore that
 * deletes the older ones runs.
 */
import type { z } from 'zod';
import { count, DAY, duration, section } from '../../config-schema.js';

const YEARS_10 = 3650 * DAY;

/** RETENTION_CONFIG is the `retention` section of the configuration. */
export const RETENTION_CONFIG = section(
  {
    delivered: duration(
      '30d',
      DAY,
      YEARS_10,
      "How long a finished notification (sent, failed, digested, suppressed) is kept on the channels its operator's feed does not show, and when it is for no operator at all",
    ),
    feed: duration(
      '90d',
      DAY,
      YEARS_10,
      "How long a notification stays in its operator's feed, the support view and the export (with the digest that carried it); at least `delivered`",
    ),
    usage: duration(
      '400d',
      DAY,
      YEARS_10,
      "How long each node's daily usage (`onUsage`) is kept: reports look back at most a month, a year's comparison a year",
    ),
    every: duration(
      '1h',
      0,
      DAY,
      'Pause between rounds of the retention chore in each process whose dispatcher runs; 0: only when svc.prune() is called',
    ),
    batchSize: count(1000, 10, 100_000, 'Rows one statement of the chore deletes; each is its own short transaction'),
  },
  'Retention: open, held and leased notifications are never deleted, whatever their age.',
).superRefine((r, ctx) => {
  if (r.feedMs < r.deliveredMs)
    ctx.addIssue({ code: 'custom', path: ['feed'], message: 'must be at least retention.delivered', input: r.feedMs });
});

/** RetentionConfig is the resolved `retention` section. */
export type RetentionConfig = z.output<typeof RETENTION_CONFIG>;
