/**
 * @module notification/guard/config
 * The `guard` section: when so many nodes go offline at once that the fault is presumably the
 * satellite's own (its network, its checker, a database restored from a backup), and where the
 * satellite's operators hear of it.
 */
import { z } from 'zod';
import { count, DAY, duration, flag, HOUR, MINUTE, SECOND, section } from '../../config-schema.js';
import { oneLine } from '../../input/text.js';

/** GUARD_CONFIG is the `guard` section of the configuration. */
export const GUARD_CONFIG = section(
  {
    enabled: flag(
      true,
      'Hold offline news while a storm of nodes going offline at once points at the satellite itself',
    ),
    offlineShare: z
      .number()
      .gt(0, 'must be above 0')
      .max(1, 'must be at most 1')
      .default(0.1)
      .describe(
        'A storm: more than this share of the nodes checked within `window` went offline within it (0–1; applies from `minNodes` checked nodes).',
      ),
    offlineNodes: count(500, 1, 10_000_000, 'A storm: more than this many nodes went offline within `window`'),
    minNodes: count(
      100,
      1,
      10_000_000,
      'The share rule applies once at least this many nodes were checked within `window` (on a small satellite a few nodes are a large share)',
    ),
    window: duration('10m', 2 * MINUTE, DAY, 'The window nodes going offline are counted in'),
    checkEvery: duration(
      '5s',
      SECOND,
      HOUR,
      'How often a running dispatcher counts the nodes gone offline (one query)',
    ),
    alert: oneLine(200, 0)
      .default('')
      .describe(
        "The satellite's own channel instance (a webhook, IRC or MQTT instance) told once when a storm begins, with its figures; empty: the log and metrics only.",
      ),
  },
  "The storm guard: a fault on the satellite's own side mails nobody.",
);

/** GuardConfig is the resolved `guard` section. */
export type GuardConfig = z.output<typeof GUARD_CONFIG>;
