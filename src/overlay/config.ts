/**
 * @module overlay/config
 * The `overlay` section: the node cache and selections.
 */
import type { z } from 'zod';
import { count, DAY, duration, MINUTE, section } from '../config-schema.js';

/** OVERLAY_CONFIG is the `overlay` section of the configuration. */
export const OVERLAY_CONFIG = section(
  {
    cacheSize: count(10_000, 1, 10_000_000, 'Nodes kept in the in-process cache'),
    cacheTtl: duration('1m', 1, DAY, 'How long a cached node is trusted'),
    onlineWindow: duration(
      '4h',
      MINUTE,
      30 * DAY,
      'A node is online when its last successful contact is within this window (Storj: 4h)',
    ),
    pageSize: count(500, 1, 10_000, 'Rows per page when streaming a selection'),
  },
  'Nodes and their operators.',
);

/** OverlayConfig is the resolved `overlay` section. */
export type OverlayConfig = z.output<typeof OVERLAY_CONFIG>;
