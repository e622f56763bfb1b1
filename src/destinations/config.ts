/**
 * @module destinations/config
 * The `destinations` section: which kinds of destination operators may add of their own (their
 * webhook, more email addresses …), how a destination proves it is theirs, when a failing one is
 * paused, and the key its private delivery data is sealed with at rest.
 */
import { z } from 'zod';
import { count, DAY, duration, flag, limit, MINUTE, section, SECOND } from '../config-schema.js';
import { SECRET_REF } from '../secrets.js';

/** DESTINATION_KINDS are the kinds of destination an operator may own. */
export const DESTINATION_KINDS = ['webhook', 'email', 'irc'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/**
 * A destination's id, which is its channel instance's name: `d` and 96 random bits in hex, a
 * name filters accept and config refuses for its own instances.
 */
export const DESTINATION_ID = /^d[0-9a-f]{24}$/;

/** DESTINATIONS_CONFIG is the `destinations` section of the configuration. */
export const DESTINATIONS_CONFIG = section(
  {
    kinds: z
      .array(z.enum(DESTINATION_KINDS))
      .default([])
      .describe(
        `The kinds of destination operators may add of their own (${DESTINATION_KINDS.join(', ')}); empty: none.`,
      ),
    allowPrivate: flag(
      false,
      "Let operators' URLs reach loopback, private, link-local and other non-public addresses, and plain http (tests and labs only)",
    ),
    encryptionKey: z
      .union([SECRET_REF, z.array(SECRET_REF).min(1)])
      .optional()
      .describe(
        'The key destinations\' private delivery data (URLs, secrets, addresses) is sealed with at rest, as `{ "secret": "name" }` (at least 32 characters); a list rotates: the first seals, every one opens. Required when kinds is not empty.',
      ),
    irc: section(
      {
        instance: z
          .string()
          .default('')
          .describe("The satellite's irc instance whose connection carries private messages to operators' nicks."),
      },
      "Operators' nicks on the satellite's IRC network (kind irc).",
    ),
    codeTtl: duration('15m', MINUTE, DAY, 'How long a verification code stays valid'),
    codeAttempts: count(5, 1, 20, 'Wrong codes a destination may be given before it needs a new one'),
    codes: limit(5, 20, '0s', 'on verification codes sent per operator, and per destination address or host').prefault(
      {},
    ),
    maxPerOperator: count(10, 1, 100, 'Destinations one operator may have'),
    pauseAfter: count(
      3,
      1,
      100,
      'Permanent failures in a row (a gone URL, a refused address) after which a destination is paused',
    ),
    timeout: duration('10s', SECOND, MINUTE, 'How long one request to an operator-supplied URL may take'),
    maxResponseBytes: count(
      65_536,
      0,
      10_485_760,
      "Bytes of an operator's server's answer read before the connection is cut",
    ),
  },
  "Operators' own destinations: added, verified and paused by each operator on their page.",
);

/** DestinationsConfig is the resolved `destinations` section. */
export type DestinationsConfig = z.output<typeof DESTINATIONS_CONFIG>;
