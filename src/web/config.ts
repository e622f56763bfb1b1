/**
 * @module web/config
 * The `web` section: where the operator pages and feeds are served, and the keys that sign links.
 */
import proxyaddr from 'proxy-addr';
import { z } from 'zod';
import { count, DAY, duration, flag, section, url } from '../config-schema.js';

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
    oneClickPerMinute: count(
      10,
      1,
      1000,
      'One-click unsubscribe POSTs one link may take per minute; they are not counted per client address, since mail providers post from shared ones',
    ),
    trustProxy: z
      .union([
        z.number().int('must be a whole number').min(0, 'must be ≥ 0').max(10, 'must be ≤ 10'),
        z
          .array(z.string())
          .min(1)
          .max(100)
          .superRefine((list, ctx) => {
            try {
              proxyaddr.compile(list);
            } catch (err) {
              ctx.addIssue({
                code: 'custom',
                message: `must be IP addresses or CIDR ranges (${(err as Error).message})`,
              });
            }
          }),
      ])
      .default(0)
      .describe(
        "Which reverse proxies in front of the handler to trust for the client's address (X-Forwarded-For): 0 none (the socket's address), a number of hops, or the proxies' addresses and CIDR ranges (also loopback, linklocal, uniquelocal).",
      ),
    allowInsecureBaseUrl: flag(
      false,
      'Accept an http:// baseUrl (for a local test): one-click unsubscribe (RFC 8058) needs HTTPS, and mail providers post only there',
    ),
  },
  'Operator pages, one-click unsubscribe and private feeds.',
).superRefine((w, ctx) => {
  if (w.baseUrl.startsWith('http:') && !w.allowInsecureBaseUrl)
    ctx.addIssue({
      code: 'custom',
      path: ['baseUrl'],
      message: 'must be https:// (one-click unsubscribe needs it); set web.allowInsecureBaseUrl for a local test',
      input: w.baseUrl,
    });
});

/** WebConfig is the resolved `web` section. */
export type WebConfig = z.output<typeof WEB_CONFIG>;
