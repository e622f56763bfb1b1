/**
 * @module notification/dispatch/send
 * The last step of every send: an outbox item and its words handed to its channel instance's plugin
 * as the one Notification every plugin renders, and a digest just made as the row it leaves from.
 * The dispatch pass and the fleet's mail both end here.
 */
import type { ChannelSet } from '../../channels/instances.js';
import type { Message } from '../../channels/plugin.js';
import type { NewItem, OutboxItem } from '../outbox/outbox.js';
import type { Reservation } from '../limits/store.js';

/** sendItem sends `item`, worded as `payload` for its reader, signed by `satellite`, at `sentAt`. */
export function sendItem(
  channels: ChannelSet,
  item: OutboxItem,
  payload: Message,
  satellite: { id: string; name: string },
  sentAt: Date,
): Promise<void> {
  return channels.get(item.channel).sender.send({
    ...payload,
    id: item.id,
    channel: item.channel,
    kind: item.kind,
    satellite: { id: satellite.id, name: satellite.name },
    occurredAt: item.occurredAt,
    createdAt: item.createdAt,
    sentAt,
  });
}

/** unsent is a digest just made as its claimed row holds it before the first attempt, owning `reservations`. */
export function unsent(digest: NewItem, reservations: readonly Reservation[]): OutboxItem {
  return {
    ...digest,
    status: 'pending',
    reason: null,
    attempts: 0,
    ambiguousAttempts: 0,
    sentAt: null,
    digestId: null,
    reservations: [...reservations],
  };
}
