/**
 * @module satellite
 * The `satellite` section: who is sending. Every message names the satellite, and the node log
 * carries its id.
 */
import { z } from 'zod';
import { oneLine, section } from './config-schema.js';
import { NodeId } from './overlay/node-id.js';

/** SATELLITE_CONFIG is the `satellite` section of the configuration. */
export const SATELLITE_CONFIG = section(
  {
    name: oneLine('Satellite', 'Shown in email headers and node-log lines'),
    id: z
      .string()
      .refine(
        (v) => v === '' || NodeId.tryParse(v) !== undefined,
        'must be a node id (base58check or 64 hex digits), or empty',
      )
      .default('')
      .describe("The satellite's own node id (base58check); sent in node-log messages when set."),
  },
  'Who is sending.',
);

/** SatelliteConfig is the resolved `satellite` section. */
export type SatelliteConfig = z.output<typeof SATELLITE_CONFIG>;
