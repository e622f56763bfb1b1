/**
 * @module channels/config
 * The `channels` section (plugin instances by name) and `secretsFile`. Params are checked by each
 * plugin's own schema when the service starts, since a plugin is loaded only then.
 */
import { z } from 'zod';
import { limit } from '../config-schema.js';

/** BUILT_IN_CHANNELS are the instances that always exist, configured by their own sections. */
export const BUILT_IN_CHANNELS = { email: 'email', log: 'nodelog' } as const;

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/** CHANNELS_CONFIG is the `channels` section: instance name → plugin, params and optional limits. */
export const CHANNELS_CONFIG = z
  .record(
    z
      .string()
      .regex(NAME, 'must be a channel name: a lowercase letter, then up to 31 of a-z, 0-9, _ or -')
      .refine(
        (n) => !(n in BUILT_IN_CHANNELS),
        'is built in: configure it with the smtp/mail (email) or nodeLog (log) and limits sections',
      ),
    z.strictObject({
      plugin: z
        .string()
        .min(1)
        .describe(
          'A built-in plugin (webhook, irc, mqtt, email, nodelog), one registered with registerChannelPlugin, or an npm module name.',
        ),
      params: z
        .record(z.string(), z.unknown())
        .transform((p) => structuredClone(p)) // a copy: the resolved config is marked for printing, the caller's object is not
        .default({})
        .describe('The plugin\'s parameters; a secret as `{ "env": "NAME" }` or `{ "secret": "name" }`.'),
      limits: limit(10, 50, '1m', 'per node on this instance (without `limits`, `limits.default` applies)').optional(),
    }),
  )
  .default({})
  .describe(
    'Channel instances besides the built-in email and log, by name; hooks.channels routes kinds to them. See README "Channels".',
  );

/** SECRETS_FILE_CONFIG is `secretsFile`: a JSON object of named secrets, readable by its owner only. */
export const SECRETS_FILE_CONFIG = z
  .string()
  .default('')
  .describe(
    'A JSON file of named secrets (`{ "name": "value" }`) that params refer to as `{ "secret": "name" }`; refused when group or others may read it. Empty: none.',
  );

/** ChannelsConfig is the resolved `channels` section. */
export type ChannelsConfig = z.output<typeof CHANNELS_CONFIG>;
