/**
 * @module web/config
 * The `web` section: where the operator pages and feeds are served, and the keys that sign links.
 */
import { z } from 'zod';
import { count, DAY, duration, section, url } from '../config-schema.js';

/** WEB_CONFIG is the `web` section of the configuration. */
export const WEB_CONFIG = section(
  {
    baseUrl: url(
      ['http', 'https'],
      'Where createWebHandler is reachable from the outside, e.g. `https://sat.example/notify`; empty: emails carry no links',
    ),
    secrets: z
      .array(z.string().min(32, 'must be at least 32 characters (a random key)'))
      .default([])
      .describe(
        'Keys that sign links and feed authenticators: the first signs, all verify, so a new key goes first and an old one stays until its links expire. Empty: no links.',
      ),
    linkLifetime: duration('30d', 60_000, 365 * DAY, 'How long a "Manage notifications" link works'),
    requestsPerMinute: count(60, 1, 100_000, 'Requests one client address may make per minute to the pages and feeds'),
  },
  'Operator pages, one-click unsubscribe and private feeds.',
);

/** WebConfig is the resolved `web` section. */
export type WebConfig = z.output<typeof WEB_CONFIG>;
