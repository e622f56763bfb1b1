/**
 * @module notification/limits/config
 * The `limits` section: MaxHr, MaxDay and MinDelay per node and channel, and per operator address.
 */
import { z } from 'zod';
import { IANAZone } from 'luxon';
import { limit, section } from '../../config-schema.js';
import { EVENT_KINDS } from '../../kinds.js';

/** LIMITS_CONFIG is the `limits` section of the configuration. */
export const LIMITS_CONFIG = section(
  {
    timezone: z
      .string()
      .refine((v) => IANAZone.isValidZone(v), 'must be an IANA time zone such as Europe/Berlin')
      .default('UTC')
      .describe('IANA zone whose calendar hours and days the limits count in.'),
    email: limit(2, 5, '15m', 'per node by email').prefault({}),
    log: limit(10, 50, '1m', 'per node to its log').prefault({}),
    perAddress: limit(6, 24, '0s', "per operator address, across the operator's nodes").prefault({}),
    default: limit(10, 50, '1m', 'per node on a configured channel instance that sets no limits of its own').prefault(
      {},
    ),
    bypass: z
      .array(z.enum(EVENT_KINDS))
      .default(['disqualified'])
      .describe('Kinds that skip maxHr and maxDay (never minDelay).'),
  },
  'MaxHr, MaxDay and MinDelay.',
);

/** LimitsConfig is the resolved `limits` section. */
export type LimitsConfig = z.output<typeof LIMITS_CONFIG>;
