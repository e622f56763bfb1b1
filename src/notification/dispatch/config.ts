/**
 * @module notification/dispatch/config
 * The `dispatcher` and `broadcast` sections: the delivery loop, retries, first attempts, and the pace of broadcasts.
 */
import type { z } from 'zod';
import { count, DAY, duration, flag, HOUR, MINUTE, SECOND, section } from '../../config-schema.js';

/** DISPATCHER_CONFIG is the `dispatcher` section of the configuration. */
export const DISPATCHER_CONFIG = section(
  {
    autoStart: flag(true, 'Start the background dispatcher on create'),
    interval: duration('1s', 1, HOUR, 'Pause between passes when nothing is due'),
    batchSize: count(100, 1, 10_000, 'Groups claimed per pass'),
    retryBase: duration('30s', 1, DAY, 'First retry delay after a transient failure (doubles, with jitter)'),
    retryMax: duration('1h', 1, 7 * DAY, 'Longest retry delay'),
    maxAttempts: count(12, 1, 100, 'Attempts before a transient failure is final'),
    maxAmbiguousAttempts: count(
      3,
      1,
      20,
      'Attempts whose message may have been delivered unconfirmed (a connection lost after the data went out) before the notification is final; each may leave a copy with the same Message-ID',
    ),
    lease: duration(
      '2m',
      SECOND,
      HOUR,
      "How long a worker owns claimed rows; a crashed worker's rows are taken over after it",
    ),
    concurrency: count(
      16,
      1,
      1000,
      'Sends in flight in one worker, over all its dispatch passes; each pass prepares twice as many groups (preferences, limits, digests) meanwhile',
    ),
    firstAttemptWait: duration(
      '10s',
      0,
      5 * MINUTE,
      "How long informNodeEmail/informNodeLog wait for another worker's pass of their group before answering `queued`",
    ),
  },
  'The background delivery loop.',
);

/** BROADCAST_CONFIG is the `broadcast` section: announcements to many nodes. */
export const BROADCAST_CONFIG = section(
  { ratePerSecond: count(20, 1, 100_000, 'Emails per second a broadcast is spread at') },
  'Announcements to many nodes.',
);

/** DispatcherConfig is the resolved `dispatcher` section. */
export type DispatcherConfig = z.output<typeof DISPATCHER_CONFIG>;
/** BroadcastConfig is the resolved `broadcast` section. */
export type BroadcastConfig = z.output<typeof BROADCAST_CONFIG>;
