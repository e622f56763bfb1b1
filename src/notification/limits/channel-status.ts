/**
 * @module notification/limits/channel-status
 * A node's counters as `svc.status` and `satnotify status` show them: per channel instance, the
 * sends of this hour and day and the last one. Pure.
 */
import type { Status } from './policy.js';

/** ChannelStatus is a node's counters on one channel. */
export interface ChannelStatus {
  hrCounter: number;
  dayCounter: number;
  lastSent: string | null;
}

/** ChannelStatuses are a node's counters per channel instance: the built-in two, and each configured one by name. */
export type ChannelStatuses = { email: ChannelStatus; log: ChannelStatus } & Record<string, ChannelStatus>;

/** toChannelStatus shows one stored status. */
export function toChannelStatus(s: Status): ChannelStatus {
  return { hrCounter: s.hrCounter, dayCounter: s.dayCounter, lastSent: s.lastSent?.toISOString() ?? null };
}
