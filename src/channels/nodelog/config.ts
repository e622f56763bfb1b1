/**
 * @module channels/nodelog/config
 * The `nodeLog` section: gRPC calls into the node log.
 */
import type { z } from 'zod';
import { count, DAY, duration, flag, HOUR, MINUTE, SECOND, section } from '../../config-schema.js';

/** NODELOG_CONFIG is the `nodeLog` section of the configuration. */
export const NODELOG_CONFIG = section(
  {
    deadline: duration('5s', 10, 10 * MINUTE, 'Deadline of one ProcessNotification call'),
    keepalive: duration('30s', SECOND, HOUR, 'gRPC keepalive ping interval'),
    idleClose: duration('5m', 10, DAY, "Close a node's channel after it has been idle this long"),
    maxChannels: count(1000, 1, 100_000, 'Node channels kept open at most; the least recently used is closed first'),
    tls: flag(false, 'Use TLS to reach nodes'),
  },
  'Messages into the node log over gRPC.',
);

/** NodeLogConfig is the resolved `nodeLog` section. */
export type NodeLogConfig = z.output<typeof NODELOG_CONFIG>;
