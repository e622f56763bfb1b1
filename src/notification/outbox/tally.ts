/**
 * @module notification/outbox/tally
 * What happened to the notifications in an outbox, per channel: one definition shared by the demo,
 * the benchmarks and anyone reading `outboxCounts()`. Pure.
 */
import type { OutboxCount } from './outbox.js';

/** Outcome is where a notification ended up: delivered, still waiting, given up, or deliberately not sent. */
export type Outcome = 'sent' | 'held' | 'failed' | 'suppressed';

/** ChannelTally counts one channel's notifications and the messages that carried them. */
export interface ChannelTally {
  /** Notifications created (digests are carriers, not notifications). */
  generated: number;
  sent: number;
  held: number;
  failed: number;
  /** Recorded but deliberately not sent (e.g. news about a disqualified node). */
  suppressed: number;
  /** Messages that left: single notifications plus digests. */
  messages: number;
  /** Digests that left. */
  digests: number;
}

/** outcomeOf is an item's own status, or, for an item folded into a digest, the digest's. */
export function outcomeOf(c: OutboxCount): Outcome {
  const s = c.digestStatus ?? c.status;
  return s === 'sent' || s === 'failed' || s === 'suppressed' ? s : 'held';
}

/** tallyChannel sums the outbox counts of one channel. */
export function tallyChannel(counts: readonly OutboxCount[], channel: string): ChannelTally {
  const mine = counts.filter((c) => c.channel === channel);
  const sum = (rows: OutboxCount[]): number => rows.reduce((n, c) => n + c.count, 0);
  const items = mine.filter((c) => c.kind !== 'digest');
  return {
    generated: sum(items),
    sent: sum(items.filter((c) => outcomeOf(c) === 'sent')),
    held: sum(items.filter((c) => outcomeOf(c) === 'held')),
    failed: sum(items.filter((c) => outcomeOf(c) === 'failed')),
    suppressed: sum(items.filter((c) => outcomeOf(c) === 'suppressed')),
    messages: sum(mine.filter((c) => c.status === 'sent')),
    digests: sum(mine.filter((c) => c.kind === 'digest' && c.status === 'sent')),
  };
}
