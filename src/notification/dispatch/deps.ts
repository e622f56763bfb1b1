/**
 * @module notification/dispatch/deps
 * What a dispatcher is made of: the sections it reads and its collaborators, every one injected,
 * so a test can hand it an in-memory outbox and recording channels.
 */
import type { ChannelSet } from '../../channels/instances.js';
import type { Logger } from '../../logger.js';
import type { OperatorPreferences } from '../../preferences/operator-preferences.js';
import type { SatelliteConfig } from '../../satellite.js';
import type { Content } from '../content/content.js';
import type { LimitsConfig } from '../limits/config.js';
import type { StatusStore } from '../limits/store.js';
import type { Metrics } from '../metrics.js';
import type { Outbox } from '../outbox/outbox.js';
import type { StormGuard } from '../guard/guard.js';
import type { FleetMail } from '../fleet/mail-room.js';
import type { DispatcherConfig } from './config.js';

/** DispatchSettings are the sections a dispatcher reads: its own, the limits, and who is sending. */
export interface DispatchSettings {
  dispatcher: DispatcherConfig;
  limits: Pick<LimitsConfig, 'timezone' | 'perAddress'>;
  satellite: SatelliteConfig;
}

/** DispatcherDeps are the dispatcher's collaborators, all injected. */
export interface DispatcherDeps {
  config: DispatchSettings;
  outbox: Outbox;
  status: StatusStore;
  channels: ChannelSet;
  content: Content;
  /** The operators' preferences, applied before any limit is reserved. */
  preferences: Pick<OperatorPreferences, 'verdictFor' | 'prefetch' | 'readerFor'>;
  metrics: Metrics;
  clock: () => Date;
  logger?: Logger;
  /** The storm guard, where the database keeps one: counted before claims, its held kinds left out of them. */
  guard?: Pick<StormGuard, 'beforeClaim' | 'guardedKinds'>;
  /** The fleet's mail (`grouping.fleet`): operators' emails are handed to it, and it is sent after each run of passes. */
  fleet?: Pick<FleetMail, 'takes' | 'handOver' | 'drain'>;
}
